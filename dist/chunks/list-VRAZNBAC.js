import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as p,f,i as c,j as s}from"./chunk-UQQWSGCH.js";import"./chunk-VICD35QA.js";import{f as l,h as g,i as w}from"./chunk-VU4EN2S6.js";import"./chunk-HQWKCAL7.js";import"./chunk-XWIDYAED.js";import"./chunk-URWS74PL.js";import"./chunk-VXLZRXBG.js";import"./chunk-YF7FKE5H.js";import{a as m}from"./chunk-DP4G7QCV.js";import"./chunk-7TJUXYIJ.js";import"./chunk-4GYDPJBI.js";import x from"node:path";var C={...p.list,async run(d,o){let{values:r}=f(this,d,{root:{type:"string",default:"."},format:{type:"string"}}),u=c("--format",r.format,["lines","json"],"lines"),a=x.resolve(o.cwd,r.root),e=[],n=await w(a,[],{rootLabel:"--root",warn:t=>e.push(t)});if(n.length===0)throw new m(g(await l(a),"--root"));s(o,e);for(let t of n)s(o,t.warnings);let i=n.map(t=>t.metadata.name);return o.stdout(u==="json"?`${JSON.stringify(i)}
`:i.map(t=>`${t}
`).join("")),0}};export{C as list};
