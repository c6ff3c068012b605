import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as o,f as a}from"./chunk-UQQWSGCH.js";import{a as p}from"./chunk-RGDFKTHW.js";import{a as n}from"./chunk-DP4G7QCV.js";var c={username:{type:"string"},"password-stdin":{type:"boolean",default:!1}};async function u(s,e){let r={env:e.env,onRetry:({method:t,url:i,attempt:d,reason:m,delayMs:w})=>e.stderr(`retry ${d}: ${t} ${i}: ${m} (waiting ${Math.round(w)} ms)
`)};if(s["password-stdin"]&&!s.username)throw new n("--password-stdin needs --username");if(s.username){if(!s["password-stdin"])throw new n("--username needs --password-stdin (the password is read from standard input)");let t=(await e.stdin()).replace(/\r?\n$/,"");if(!t)throw new n("--password-stdin: standard input is empty");r.credentials={username:s.username,password:t}}return r}var h={...o.inspect,async run(s,e){let{values:r,positionals:t}=a(this,s,{...c},!0);if(t.length!==1)throw new n(`ext-actions inspect: expected one image reference
usage: ${this.usage}`);let i=await p(t[0],await u(r,e));return e.stdout(`${JSON.stringify(i,null,2)}
`),0}};export{c as a,u as b,h as c};
