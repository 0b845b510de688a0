import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
import{require_dist}from"./chunk-IR22LASY.js";import"./chunk-FCUWCYAX.js";import"./chunk-CYMWRC4B.js";export default require_dist();
//# sourceMappingURL=dist-CRIEQXPS.js.map
