import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as r}from"../chunks/chunk-HNATEDGZ.js";import{h as s,m as a}from"../chunks/chunk-SE476FGF.js";import"../chunks/chunk-N2W4H4DF.js";import"../chunks/chunk-T66BTKDG.js";import"../chunks/chunk-AWVTYLOY.js";import"../chunks/chunk-AZOWHRWY.js";import"../chunks/chunk-URWS74PL.js";import{a as d}from"../chunks/chunk-ZCZKBYLQ.js";import"../chunks/chunk-P7ES4XDN.js";import"../chunks/chunk-GOWEGWFF.js";import"../chunks/chunk-YF7FKE5H.js";import"../chunks/chunk-DP4G7QCV.js";import{k as c,l as n,m as u,o as e}from"../chunks/chunk-3OLRGHMT.js";import"../chunks/chunk-7TJUXYIJ.js";import"../chunks/chunk-4GYDPJBI.js";d(async()=>{if(e(r.keep)==="true"){n("keep is true: the kind clusters, the registry, the network and the builder are left running");return}let i=e(r.clusters);await a(s,{info:t=>n(t),error:(t,o)=>c(t,o?{title:o}:{}),group:(t,o)=>u(t,o)},{kind:e(r.kind)||void 0,clusters:i?JSON.parse(i):[],registry:e(r.registry)||void 0,network:e(r.network)||void 0,builder:e(r.builder)||void 0})});
