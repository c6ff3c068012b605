import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{b as s}from"./chunk-DP4G7QCV.js";import{b as o,g as t,k as n,l as a}from"./chunk-3OLRGHMT.js";async function d(r){try{await r()}catch(e){s(e)?t(e.message):t(`internal error (please report it): ${e instanceof Error?e.stack??e.message:String(e)}`)}}function f(r=process.env){return r.ACT==="true"}function S(r=process.env){if(f(r)){if(!r.ACTIONS_RUNTIME_TOKEN)return"ACTIONS_RUNTIME_TOKEN is not set";if(!r.ACTIONS_CACHE_URL&&!r.ACTIONS_RESULTS_URL)return"neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL is set"}}async function T(r,e=process.env){if(r!==void 0&&o.addRaw(r),e.GITHUB_STEP_SUMMARY)try{await o.write();return}catch(c){n(`could not write the job summary (${c.message}); it follows in the log`)}let i=o.stringify();o.emptyBuffer(),i.trim()!==""&&a(i)}export{d as a,f as b,S as c,T as d};
