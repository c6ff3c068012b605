import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{f as n}from"./chunk-7TJUXYIJ.js";async function d(t,r,e={}){let{exitCode:i,stdout:o,stderr:s}=await n(t,[...r],{ignoreReturnCode:!0,silent:!e.echo,...e.cwd!==void 0?{cwd:e.cwd}:{},...e.env!==void 0?{env:e.env}:{},...e.input!==void 0?{input:Buffer.from(e.input)}:{},...e.echo&&e.echoTo?{outStream:e.echoTo,errStream:e.echoTo}:{}});return{exitCode:i,stdout:o,stderr:s}}export{d as a};
