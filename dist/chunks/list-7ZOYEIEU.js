import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as r,c as e}from"./chunk-ZLQGYH6Y.js";import{e as n}from"./chunk-E4OVMIU5.js";import"./chunk-VRC6YQCV.js";import"./chunk-4GYDPJBI.js";import l from"node:path";var p={name:"list",summary:"list the extensions found (folders holding metadata.hcl), sorted",usage:"ext-actions list [--root DIR] [--format lines|json]",async run(a,t){let{values:o}=r(this,a,{root:{type:"string",default:"."},format:{type:"string"}}),i=e("--format",o.format,["lines","json"],"lines"),s=await n(l.resolve(t.cwd,o.root));return t.stdout(i==="json"?`${JSON.stringify(s)}
`:s.map(m=>`${m}
`).join("")),0}};export{p as list};
