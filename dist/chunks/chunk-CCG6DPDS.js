import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{readFileSync as f}from"node:fs";function m(t){let r=t.GITHUB_REPOSITORY_OWNER?.trim()||t.GITHUB_REPOSITORY?.split("/")[0]?.trim();return r?`ghcr.io/${r.toLowerCase()}`:"localhost:5000"}function p(t,r){let e=r.GITHUB_REPOSITORY_OWNER?.trim()||r.GITHUB_REPOSITORY?.split("/")[0]?.trim()||"",o=(a,c)=>a||c||void 0,n={},s=o(t.authors,e),i=o(t.vendor,e),u=o(t.documentation,"");return s&&(n.authors=s),i&&(n.vendor=i),u&&(n.documentation=u),n}function E(t){let r=t.GITHUB_REPOSITORY?.trim();return r?`${(t.GITHUB_SERVER_URL||"https://github.com").replace(/\/$/,"")}/${r}`:""}function d(t){let r=t.GITHUB_EVENT_PATH;if(!r)return{};try{return JSON.parse(f(r,"utf8"))}catch{return{}}}function R(t){let r=d(t),e=r.pull_request;if(e?.base?.sha)return e.base.sha;let o=r.merge_group;return o?.base_sha?o.base_sha:typeof r.before=="string"?r.before:""}function h(t){return t.GITHUB_SHA?.trim()||"HEAD"}export{m as a,p as b,E as c,R as d,h as e};
