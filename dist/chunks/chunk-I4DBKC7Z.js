import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{readFileSync as n}from"node:fs";function f(e){let r=e.GITHUB_REPOSITORY_OWNER?.trim()||e.GITHUB_REPOSITORY?.split("/")[0]?.trim();return r?`ghcr.io/${r.toLowerCase()}`:"localhost:5000"}function u(e){let r=e.GITHUB_REPOSITORY?.trim();return r?`${(e.GITHUB_SERVER_URL||"https://github.com").replace(/\/$/,"")}/${r}`:""}function s(e){let r=e.GITHUB_EVENT_PATH;if(!r)return{};try{return JSON.parse(n(r,"utf8"))}catch{return{}}}function a(e){let r=s(e),t=r.pull_request;if(t?.base?.sha)return t.base.sha;let o=r.merge_group;return o?.base_sha?o.base_sha:typeof r.before=="string"?r.before:""}function c(e){return e.GITHUB_SHA?.trim()||"HEAD"}export{f as a,u as b,a as c,c as d};
