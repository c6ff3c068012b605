import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a,b,c}from"./chunk-HNL7YN2Q.js";import"./chunk-UQQWSGCH.js";import"./chunk-XWIDYAED.js";import"./chunk-WE7SSOWE.js";import"./chunk-RGDFKTHW.js";import"./chunk-TMVOHIHF.js";import"./chunk-VXLZRXBG.js";import"./chunk-P7ES4XDN.js";import"./chunk-GOWEGWFF.js";import"./chunk-YF7FKE5H.js";import"./chunk-DP4G7QCV.js";import"./chunk-4GYDPJBI.js";export{c as inspect,a as registryFlags,b as registryOptions};
