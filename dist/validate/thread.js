import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
import{serveValidationThread}from"./chunks/chunk-V3U465PR.js";import"./chunks/chunk-4ATNPD4S.js";import"./chunks/chunk-YRJHDNFV.js";import"./chunks/chunk-W7BN6TYU.js";import"./chunks/chunk-CYMWRC4B.js";await serveValidationThread()||(process.stderr.write(`error: thread.js only starts ctrain's validation threads; run index.js
`),process.exitCode=2);
//# sourceMappingURL=thread.js.map
