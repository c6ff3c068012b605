import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a,b,c}from"./chunk-5AJ4KTHH.js";import"./chunk-GMQQXEBI.js";import"./chunk-XSOC52JR.js";import"./chunk-YRWEPKH7.js";import"./chunk-B5TAHMVP.js";import"./chunk-VXLZRXBG.js";import"./chunk-P7ES4XDN.js";import"./chunk-GOWEGWFF.js";import"./chunk-YF7FKE5H.js";import"./chunk-DP4G7QCV.js";import"./chunk-4GYDPJBI.js";export{c as inspect,a as registryFlags,b as registryOptions};
