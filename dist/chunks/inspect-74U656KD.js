import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a,b,c}from"./chunk-MFS3ZHJW.js";import"./chunk-ZLQGYH6Y.js";import"./chunk-TN6FN5RC.js";import"./chunk-2J6E6N72.js";import"./chunk-F6XAAJN5.js";import"./chunk-P7ES4XDN.js";import"./chunk-VXLZRXBG.js";import"./chunk-BLIM3C53.js";import"./chunk-VRC6YQCV.js";import"./chunk-4GYDPJBI.js";export{c as inspect,a as registryFlags,b as registryOptions};
