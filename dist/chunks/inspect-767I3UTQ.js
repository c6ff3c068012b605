import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a,b,c}from"./chunk-JTJLV6QT.js";import"./chunk-ZE2Z7IFO.js";import"./chunk-RKQRBJVC.js";import"./chunk-446XX2KT.js";import"./chunk-PXTYQKIE.js";import"./chunk-VXLZRXBG.js";import"./chunk-P7ES4XDN.js";import"./chunk-VR4XFY3I.js";import"./chunk-JVEHTDVA.js";import"./chunk-4GYDPJBI.js";export{c as inspect,a as registryFlags,b as registryOptions};
