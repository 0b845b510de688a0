import { createRequire as __ctrainCreateRequire } from 'node:module';
const require = __ctrainCreateRequire(import.meta.url);
import {
  require_dist
} from "./chunk-PNE2U7PO.js";
import "./chunk-NRFFNOLP.js";
export default require_dist();
