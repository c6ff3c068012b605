import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as i}from"./chunk-VRC6YQCV.js";import{readdir as m,stat as d}from"node:fs/promises";import f from"node:path";var c=/^(?:[0-9]+:)?[0-9]+(?:\.[0-9]+)*/;function u(e){let r=c.exec(e);return r?r[0].replaceAll(":","-"):void 0}function l(e){return e.replace(/[^A-Za-z0-9_-]/gu,"_")}function s(e,r){return e<r?-1:e>r?1:0}var p="metadata.hcl";async function w(e){let r;try{r=await m(e,{withFileTypes:!0})}catch(t){let n=t.code;throw new i(n==="ENOENT"?`root folder ${e}: not found`:`root folder ${e}: cannot be read (${n})`)}let o=[];return await Promise.all(r.filter(t=>t.isDirectory()&&!t.name.startsWith(".")&&t.name!=="node_modules").map(async t=>{await d(f.join(e,t.name,p)).then(a=>a.isFile(),()=>!1)&&o.push(t.name)})),o.sort(s)}export{u as a,l as b,s as c,p as d,w as e};
