import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as f,b as y}from"./chunk-HNL7YN2Q.js";import{a as m,f as p,h as u,j as o}from"./chunk-UQQWSGCH.js";import{a as d,b as w,c as h}from"./chunk-NXM42DZJ.js";import"./chunk-VICD35QA.js";import{i as c}from"./chunk-VU4EN2S6.js";import"./chunk-YQR76ZEQ.js";import"./chunk-T66BTKDG.js";import"./chunk-HQWKCAL7.js";import"./chunk-XWIDYAED.js";import"./chunk-WE7SSOWE.js";import"./chunk-RGDFKTHW.js";import"./chunk-TMVOHIHF.js";import"./chunk-URWS74PL.js";import"./chunk-VXLZRXBG.js";import"./chunk-P7ES4XDN.js";import"./chunk-GOWEGWFF.js";import{j as l}from"./chunk-YF7FKE5H.js";import{a as s}from"./chunk-DP4G7QCV.js";import"./chunk-7TJUXYIJ.js";import"./chunk-4GYDPJBI.js";import x from"node:path";var W={...m.catalog,async run(C,r){let{values:t}=p(this,C,{...f,root:{type:"string",default:"."},extension:{type:"string",multiple:!0},registry:{type:"string"},"base-catalog":{type:"string",multiple:!0},"output-dir":{type:"string"}});if(!t.registry)throw new s(`--registry is required (e.g. ghcr.io/my-org)
usage: ${this.usage}`);if(l(`${t.registry}/x`,"--registry"),!t["output-dir"])throw new s(`--output-dir is required
usage: ${this.usage}`);let i=e=>o(r,[e]),a=await c(x.resolve(r.cwd,t.root),u(t.extension));for(let e of a)o(r,e.warnings);let $=await d(t["base-catalog"]??[],r.cwd,i),n=await w({...await y(t,r),extensions:a,registry:t.registry,bases:$,warn:i}),b=await h(n,x.resolve(r.cwd,t["output-dir"]));for(let[e,g]of n.entries())r.stdout(`${b[e]}: ${g.entries.length} extension image(s) from ${g.source}
`);return 0}};export{W as catalogCommand};
