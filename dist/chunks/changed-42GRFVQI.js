import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as E,c as b}from"./chunk-ZE2Z7IFO.js";import{k as p,l as g,m as h,n as u,o as w}from"./chunk-UPLSWXY5.js";import{g as x,i as y}from"./chunk-UEU3U6QV.js";import"./chunk-Z224UGXO.js";import"./chunk-URWS74PL.js";import"./chunk-VXLZRXBG.js";import{a as r}from"./chunk-JVEHTDVA.js";import"./chunk-7TJUXYIJ.js";import"./chunk-4GYDPJBI.js";import{readFile as F}from"node:fs/promises";import f from"node:path";async function R(n){let t=await u(n);if(t===void 0)throw new r(`--base: ${n} is not inside a git repository`);return t}var A={name:"changed",summary:"list the extensions affected by the changes between two refs, or by a list of paths",usage:"ext-actions changed [--root DIR] (--base REF [--head REF] | --files -|FILE) [--shared GLOB]... [--format json|lines]",async run(n,t){let{values:s}=E(this,n,{root:{type:"string",default:"."},base:{type:"string"},head:{type:"string",default:"HEAD"},files:{type:"string"},shared:{type:"string",multiple:!0},format:{type:"string"}}),v=b("--format",s.format,["json","lines"],"json");if(s.base===void 0==(s.files===void 0))throw new r(`ext-actions changed: give either --base REF or --files -
usage: ${this.usage}`);let a=f.resolve(t.cwd,s.root),c=e=>t.stdout(v==="json"?`${JSON.stringify(e)}
`:e.map(m=>`${m}
`).join("")),i,d=t.cwd;if(s.files!==void 0){let e=s.files;i=(e==="-"?await t.stdin():await F(f.resolve(t.cwd,e),"utf8").catch(l=>{throw new r(`--files: cannot read ${e} (${l.code??l.message})`)})).split(/\r?\n/)}else{if(h(s.base))return t.stderr(`no base commit to compare with: every extension is affected
`),c(await x(a)),0;d=await R(t.cwd),i=await w(s.base,s.head,d)}let $=await y(a),o=g({root:f.relative(d,a)||".",paths:i,extensions:new Map($.map(e=>[e.metadata.name,e.metadata.required_extensions])),shared:s.shared??p});for(let e of o.extensions)t.stderr(`${e}: ${o.reasons[e]}
`);for(let e of o.removed)t.stderr(`${e}: changed but no longer an extension (ignored)
`);return c(o.extensions),0}};export{A as changed};
