import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{d as s}from"./chunk-YRZ7JCXH.js";import{b as t}from"./chunk-HASQL5YR.js";var m={keep:"e2e-keep",kind:"e2e-kind",clusters:"e2e-clusters",registry:"e2e-registry",network:"e2e-network",builder:"e2e-builder"};async function u(a,e){let r=e.images?`built here: ${e.images.map(d=>d.ref).join(", ")}`:a.image,i=t.addHeading(`e2e ${a.extension}: ${e.passed?"passed":"FAILED"}`,3).addTable([[{data:"Image",header:!0},{data:"CloudNativePG",header:!0},{data:"Node image",header:!0}],[r,a.cnpg,a["node-image"]]]);e.failures.length&&i.addHeading("Failed steps",4).addList(e.failures),e.diagnostics&&i.addRaw(`Diagnostics: \`${e.diagnostics}\` (upload it with actions/upload-artifact)`,!0),i.addDetails("values.yaml",`

\`\`\`yaml
${e.valuesYaml}\`\`\`
`),await s()}export{m as a,u as b};
