import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
import{convertPathToPattern,escapePath,glob,globSync,isDynamicPattern}from"./chunk-SXUNF4L3.js";import"./chunk-CYMWRC4B.js";export{convertPathToPattern,escapePath,glob,globSync,isDynamicPattern};
//# sourceMappingURL=dist-OEQQXLJG.js.map
