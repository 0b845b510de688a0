import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
var UserError=class extends Error{name="UserError";location;hint;constructor(message,options={}){super(message,options.cause===void 0?void 0:{cause:options.cause}),this.location=options.location,this.hint=options.hint}format(){let head=this.location?`${this.location}: ${this.message}`:this.message;return this.hint?`${head}
  hint: ${this.hint}`:head}};function isUserError(error){return error instanceof UserError}function describeError(error){return isUserError(error)?error.format():error instanceof Error?error.stack??`${error.name}: ${error.message}`:String(error)}export{UserError,isUserError,describeError};
//# sourceMappingURL=chunk-W7BN6TYU.js.map
