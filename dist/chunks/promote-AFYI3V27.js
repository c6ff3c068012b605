import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as m,b as p}from"./chunk-HNL7YN2Q.js";import{a as s,f as n,h as a}from"./chunk-UQQWSGCH.js";import"./chunk-XWIDYAED.js";import{a as i}from"./chunk-WE7SSOWE.js";import"./chunk-RGDFKTHW.js";import"./chunk-TMVOHIHF.js";import"./chunk-VXLZRXBG.js";import"./chunk-P7ES4XDN.js";import"./chunk-GOWEGWFF.js";import"./chunk-YF7FKE5H.js";import{a as o}from"./chunk-DP4G7QCV.js";import"./chunk-4GYDPJBI.js";var w={...s.promote,async run(g,e){let{values:t,positionals:r}=n(this,g,{...m,tag:{type:"string",multiple:!0},"no-signatures":{type:"boolean",default:!1}},!0);if(r.length!==2)throw new o(`ext-actions promote: expected a source reference and a destination repository
usage: ${this.usage}`);let u=await i(r[0],r[1],{...await p(t,e),tags:t.tag?a(t.tag):void 0,signatures:!t["no-signatures"],log:l=>e.stderr(`${l}
`)});return e.stdout(`${JSON.stringify(u,null,2)}
`),0}};export{w as promoteCommand};
