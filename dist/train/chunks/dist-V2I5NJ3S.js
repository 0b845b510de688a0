import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
import{require_dist}from"./chunk-BKJSKAZ5.js";import"./chunk-CYMWRC4B.js";export default require_dist();
//# sourceMappingURL=dist-V2I5NJ3S.js.map
