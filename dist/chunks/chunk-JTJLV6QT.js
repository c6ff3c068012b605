import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as i}from"./chunk-ZE2Z7IFO.js";import{a as o}from"./chunk-446XX2KT.js";import{a as e}from"./chunk-JVEHTDVA.js";var u={username:{type:"string"},"password-stdin":{type:"boolean",default:!1}};async function w(s,n){let r={env:n.env,onRetry:({method:t,url:a,attempt:p,reason:d,delayMs:m})=>n.stderr(`retry ${p}: ${t} ${a}: ${d} (waiting ${Math.round(m)} ms)
`)};if(s["password-stdin"]&&!s.username)throw new e("--password-stdin needs --username");if(s.username){if(!s["password-stdin"])throw new e("--username needs --password-stdin (the password is read from standard input)");let t=(await n.stdin()).replace(/\r?\n$/,"");if(!t)throw new e("--password-stdin: standard input is empty");r.credentials={username:s.username,password:t}}return r}var f={name:"inspect",summary:"print an image's digest, media type, platforms and annotations as JSON",usage:"ext-actions inspect REF [--username USER --password-stdin]",async run(s,n){let{values:r,positionals:t}=i(this,s,{...u},!0);if(t.length!==1)throw new e(`ext-actions inspect: expected one image reference
usage: ${this.usage}`);let a=await o(t[0],await w(r,n));return n.stdout(`${JSON.stringify(a,null,2)}
`),0}};export{u as a,w as b,f as c};
