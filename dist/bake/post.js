import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{g as t,k as i}from"../chunks/chunk-YRZNLHDF.js";import{a as m}from"../chunks/chunk-URWS74PL.js";import{k as e,l as a,o as c}from"../chunks/chunk-3OLRGHMT.js";import"../chunks/chunk-7TJUXYIJ.js";import"../chunks/chunk-4GYDPJBI.js";async function s(){let o=c("builder");if(!o)return;let r=t(o);a(`[command]${i(r)}`);let n=await m(r.file,r.args);n.exitCode!==0&&e(`could not remove builder ${o}: ${n.stderr.trim()}`)}s().catch(o=>e(`post step: ${o.message}`));
