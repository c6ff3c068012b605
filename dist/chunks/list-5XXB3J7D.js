import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as p,c as d,d as s}from"./chunk-ZE2Z7IFO.js";import"./chunk-UPLSWXY5.js";import{f as l,h as f,i as c}from"./chunk-UEU3U6QV.js";import"./chunk-Z224UGXO.js";import"./chunk-URWS74PL.js";import"./chunk-VXLZRXBG.js";import{a as m}from"./chunk-JVEHTDVA.js";import"./chunk-7TJUXYIJ.js";import"./chunk-4GYDPJBI.js";import h from"node:path";var E={name:"list",summary:"list the extensions found (folders holding a valid metadata.hcl), sorted",usage:"ext-actions list [--root DIR] [--format lines|json]",async run(g,o){let{values:r}=p(this,g,{root:{type:"string",default:"."},format:{type:"string"}}),u=d("--format",r.format,["lines","json"],"lines"),a=h.resolve(o.cwd,r.root),e=[],n=await c(a,[],{rootLabel:"--root",warn:t=>e.push(t)});if(n.length===0)throw new m(f(await l(a),"--root"));s(o,e);for(let t of n)s(o,t.warnings);let i=n.map(t=>t.metadata.name);return o.stdout(u==="json"?`${JSON.stringify(i)}
`:i.map(t=>`${t}
`).join("")),0}};export{E as list};
