import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{d as o}from"./chunk-ZCZKBYLQ.js";import{c as a,d as s,e as d}from"./chunk-GOWEGWFF.js";import{b as n}from"./chunk-3OLRGHMT.js";var g={keep:"e2e-keep",kind:"e2e-kind",clusters:"e2e-clusters",registry:"e2e-registry",network:"e2e-network",builder:"e2e-builder"};async function l(i,e){let m=e.images?`built here: ${e.images.map(r=>r.ref).join(", ")}`:i.image,t=n.addHeading(a(`e2e ${i.extension}: ${e.passed?"passed":"FAILED"}`),3).addTable([[{data:"Image",header:!0},{data:"CloudNativePG",header:!0},{data:"Node image",header:!0}],[a(m),a(i.cnpg),a(i["node-image"])]]);e.failures.length&&t.addHeading("Failed steps",4).addList(e.failures.map(r=>a(r))),e.diagnostics&&t.addRaw(`Diagnostics: ${s(e.diagnostics,!1)} (upload it with actions/upload-artifact)`,!0),t.addDetails("values.yaml",`

${d(e.valuesYaml.replace(/\n$/,""),"yaml")}
`),await o()}export{g as a,l as b};
