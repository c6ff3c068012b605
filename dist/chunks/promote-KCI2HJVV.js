import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as i,b as g}from"./chunk-JTJLV6QT.js";import{a as o,b as a}from"./chunk-ZE2Z7IFO.js";import{a as n}from"./chunk-RKQRBJVC.js";import"./chunk-446XX2KT.js";import"./chunk-PXTYQKIE.js";import"./chunk-VXLZRXBG.js";import"./chunk-P7ES4XDN.js";import"./chunk-VR4XFY3I.js";import{a as s}from"./chunk-JVEHTDVA.js";import"./chunk-4GYDPJBI.js";var c={name:"promote",summary:"copy an image by digest (with attestations, signatures, referrers) to another repository, then tag it",usage:"ext-actions promote SRC_REF@DIGEST DEST_REPO [--tag TAG]... [--no-signatures] [--username USER --password-stdin]",async run(m,e){let{values:t,positionals:r}=o(this,m,{...i,tag:{type:"string",multiple:!0},"no-signatures":{type:"boolean",default:!1}},!0);if(r.length!==2)throw new s(`ext-actions promote: expected a source reference and a destination repository
usage: ${this.usage}`);let p=await n(r[0],r[1],{...await g(t,e),tags:t.tag?a(t.tag):void 0,signatures:!t["no-signatures"],log:u=>e.stderr(`${u}
`)});return e.stdout(`${JSON.stringify(p,null,2)}
`),0}};export{c as promoteCommand};
