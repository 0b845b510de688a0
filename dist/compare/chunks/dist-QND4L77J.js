import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
import{require_dist}from"./chunk-FCUWCYAX.js";import"./chunk-CYMWRC4B.js";export default require_dist();
//# sourceMappingURL=dist-QND4L77J.js.map
