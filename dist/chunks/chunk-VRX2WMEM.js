import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
var a={x64:["amd64","386"],arm64:["arm64"],arm:["arm"],ppc64:["ppc64le"],s390x:["s390x"],riscv64:["riscv64"]};function u(e){return a[e]??[e]}function o(e){return e.split("/")[1]??e}function c(e,t,n){let i=u(n),r=[...new Set(t.map(o).filter(s=>!i.includes(s)))].sort();return e==="false"?{install:!1,architectures:[],reason:"setup-qemu is false"}:r.length===0?{install:!1,architectures:[],reason:`every platform (${t.join(", ")}) runs natively on this ${n} runner`}:{install:!0,architectures:r,reason:e==="true"?`setup-qemu is true; emulating ${r.join(", ")}`:`${r.join(", ")} cannot run natively on this ${n} runner`}}export{u as a,c as b};
