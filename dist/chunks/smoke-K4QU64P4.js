import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as u,b as l}from"./chunk-HNL7YN2Q.js";import{a as i,f as m,h as a,i as n,j as g}from"./chunk-UQQWSGCH.js";import{a as f,b as y}from"./chunk-7MQZ5JTH.js";import"./chunk-AKT6XRDD.js";import"./chunk-7DBOIQB4.js";import"./chunk-VRX2WMEM.js";import"./chunk-VICD35QA.js";import"./chunk-VU4EN2S6.js";import"./chunk-YQR76ZEQ.js";import"./chunk-T66BTKDG.js";import"./chunk-HQWKCAL7.js";import"./chunk-XWIDYAED.js";import"./chunk-WE7SSOWE.js";import"./chunk-RGDFKTHW.js";import"./chunk-TMVOHIHF.js";import{a as p}from"./chunk-URWS74PL.js";import"./chunk-VXLZRXBG.js";import"./chunk-P7ES4XDN.js";import"./chunk-GOWEGWFF.js";import"./chunk-YF7FKE5H.js";import{a as s}from"./chunk-DP4G7QCV.js";import"./chunk-7TJUXYIJ.js";import"./chunk-4GYDPJBI.js";import x from"node:path";var F={...i.smoke,async run(d,e){let{values:t}=m(this,d,{...u,image:{type:"string"},root:{type:"string",default:"."},extension:{type:"string"},platform:{type:"string",multiple:!0},"pg-image":{type:"string"},keep:{type:"boolean",default:!1},mount:{type:"string"},registry:{type:"string"},environment:{type:"string"},"built-image":{type:"string",multiple:!0},format:{type:"string"}});if(!t.image)throw new s(`ext-actions smoke: --image is required
usage: ${this.usage}`);let c=n("--format",t.format,["text","json"],"text"),o=await f({...await l(t,e),image:t.image,root:x.resolve(e.cwd,t.root),extension:t.extension,platforms:a(t.platform),pgImage:t["pg-image"],keep:t.keep,mount:n("--mount",t.mount,["auto","image","bind"],"auto"),registry:t.registry,environment:n("--environment",t.environment,["testing","production"],"testing"),builtImages:t["built-image"]??[],exec:(r,k,v)=>p(r,k,{env:e.env,...v}),log:r=>e.stderr(`${r}
`),warn:r=>g(e,[r])});return c==="json"?e.stdout(`${JSON.stringify(o,null,2)}
`):e.stdout(`${y(o).join(`
`)}
`),o.ok?0:1}};export{F as smokeCommand};
