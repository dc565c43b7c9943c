var $t=Object.defineProperty;var Tt=(e,t,n)=>t in e?$t(e,t,{enumerable:!0,configurable:!0,writable:!0,value:n}):e[t]=n;var G=(e,t,n)=>Tt(e,typeof t!="symbol"?t+"":t,n);(function(){const t=document.createElement("link").relList;if(t&&t.supports&&t.supports("modulepreload"))return;for(const i of document.querySelectorAll('link[rel="modulepreload"]'))r(i);new MutationObserver(i=>{for(const o of i)if(o.type==="childList")for(const c of o.addedNodes)c.tagName==="LINK"&&c.rel==="modulepreload"&&r(c)}).observe(document,{childList:!0,subtree:!0});function n(i){const o={};return i.integrity&&(o.integrity=i.integrity),i.referrerPolicy&&(o.referrerPolicy=i.referrerPolicy),i.crossOrigin==="use-credentials"?o.credentials="include":i.crossOrigin==="anonymous"?o.credentials="omit":o.credentials="same-origin",o}function r(i){if(i.ep)return;i.ep=!0;const o=n(i);fetch(i.href,o)}})();var be,x,ct,Y,Ge,lt,dt,ke,pe,ae,ut,Re,Ee,Pe,pt,he={},ge=[],Ot=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,we=Array.isArray;function K(e,t){for(var n in t)e[n]=t[n];return e}function Ue(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Dt(e,t,n){var r,i,o,c={};for(o in t)o=="key"?r=t[o]:o=="ref"?i=t[o]:c[o]=t[o];if(arguments.length>2&&(c.children=arguments.length>3?be.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(o in e.defaultProps)c[o]===void 0&&(c[o]=e.defaultProps[o]);return me(e,c,r,i,null)}function me(e,t,n,r,i){var o={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:i??++ct,__i:-1,__u:0};return i==null&&x.vnode!=null&&x.vnode(o),o}function le(e){return e.children}function _e(e,t){this.props=e,this.context=t}function ee(e,t){if(t==null)return e.__?ee(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?ee(e):null}function Ct(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,r=[],i=[],o=K({},t);o.__v=t.__v+1,x.vnode&&x.vnode(o),Be(e.__P,o,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,r,n??ee(t),!!(32&t.__u),i),o.__v=t.__v,o.__.__k[o.__i]=o,gt(r,o,i),t.__e=t.__=null,o.__e!=n&&mt(o)}}function mt(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),mt(e)}function xe(e){(!e.__d&&(e.__d=!0)&&Y.push(e)&&!ye.__r++||Ge!=x.debounceRendering)&&((Ge=x.debounceRendering)||lt)(ye)}function ye(){try{for(var e,t=1;Y.length;)Y.length>t&&Y.sort(dt),e=Y.shift(),t=Y.length,Ct(e)}finally{Y.length=ye.__r=0}}function _t(e,t,n,r,i,o,c,d,m,l,f){var h,s,p,y,N,u,_=r&&r.__k||ge,g=t.length;for(m=Rt(n,t,_,m,g),h=0;h<g;h++)(p=n.__k[h])!=null&&(s=p.__i!=-1&&_[p.__i]||he,p.__i=h,u=Be(e,p,s,i,o,c,d,m,l,f),y=p.__e,p.ref&&s.ref!=p.ref&&(s.ref&&Fe(s.ref,null,p),f.push(p.ref,p.__c||y,p)),N==null&&y!=null&&(N=y),4&p.__u?(m=ft(p,m,e),s.__e&&(s.__e=null)):typeof p.type=="function"&&u!==void 0?m=u:y&&(m=y.nextSibling),p.__u&=-7);return n.__e=N,m}function Rt(e,t,n,r,i){var o,c,d,m,l,f=n.length,h=f,s=0;for(e.__k=new Array(i),o=0;o<i;o++)(c=t[o])!=null&&typeof c!="boolean"&&typeof c!="function"?(typeof c=="string"||typeof c=="number"||typeof c=="bigint"||c.constructor==String?c=e.__k[o]=me(null,c,null,null,null):we(c)?c=e.__k[o]=me(le,{children:c},null,null,null):c.constructor===void 0&&c.__b>0?c=e.__k[o]=me(c.type,c.props,c.key,c.ref?c.ref:null,c.__v):e.__k[o]=c,m=o+s,c.__=e,c.__b=e.__b+1,d=null,(l=c.__i=Ut(c,n,m,h))!=-1&&(h--,(d=n[l])&&(d.__u|=2)),d==null||d.__v==null?(l==-1&&(i>f?s--:i<f&&s++),typeof c.type!="function"&&(c.__u|=4)):l!=m&&(l==m-1?s--:l==m+1?s++:(l>m?s--:s++,c.__u|=4))):e.__k[o]=null;if(h)for(o=0;o<f;o++)(d=n[o])!=null&&(2&d.__u)==0&&(d.__e==r&&(r=ee(d)),bt(d,d));return r}function ft(e,t,n){var r,i;if(typeof e.type=="function"){for(r=e.__k,i=0;r&&i<r.length;i++)r[i]&&(r[i].__=e,t=ft(r[i],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=ee(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Ut(e,t,n,r){var i,o,c,d=e.key,m=e.type,l=t[n],f=l!=null&&(2&l.__u)==0;if(l===null&&d==null||f&&d==l.key&&m==l.type)return n;if(r>(f?1:0)){for(i=n-1,o=n+1;i>=0||o<t.length;)if((l=t[c=i>=0?i--:o++])!=null&&(2&l.__u)==0&&d==l.key&&m==l.type)return c}return-1}function ze(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Ot.test(t)?n:n+"px"}function ue(e,t,n,r,i){var o,c;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||ze(e.style,t,"");if(n)for(t in n)r&&n[t]==r[t]||ze(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")o=t!=(t=t.replace(ut,"$1")),c=t.toLowerCase(),t=c in e||t=="onFocusOut"||t=="onFocusIn"?c.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+o]=n,n?r?n[ae]=r[ae]:(n[ae]=Re,e.addEventListener(t,o?Pe:Ee,o)):e.removeEventListener(t,o?Pe:Ee,o);else{if(i=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function Ve(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[pe]==null)t[pe]=Re++;else if(t[pe]<n[ae])return;return n(x.event?x.event(t):t)}}}function Be(e,t,n,r,i,o,c,d,m,l){var f,h,s,p,y,N,u,_,g,w,R,A,I,te,q,Q,M=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(m=!!(32&n.__u),o=[d=t.__e=n.__e]),(f=x.__b)&&f(t);e:if(typeof M=="function"){h=c.length;try{if(g=t.props,w=M.prototype&&M.prototype.render,R=(f=M.contextType)&&r[f.__c],A=f?R?R.props.value:f.__:r,n.__c?_=(s=t.__c=n.__c).__=s.__E:(w?t.__c=s=new M(g,A):(t.__c=s=new _e(g,A),s.constructor=M,s.render=Ft),R&&R.sub(s),s.state||(s.state={}),s.__n=r,p=s.__d=!0,s.__h=[],s._sb=[]),w&&s.__s==null&&(s.__s=s.state),w&&M.getDerivedStateFromProps!=null&&(s.__s==s.state&&(s.__s=K({},s.__s)),K(s.__s,M.getDerivedStateFromProps(g,s.__s))),y=s.props,N=s.state,s.__v=t,p)w&&M.getDerivedStateFromProps==null&&s.componentWillMount!=null&&s.componentWillMount(),w&&s.componentDidMount!=null&&s.__h.push(s.componentDidMount);else{if(w&&M.getDerivedStateFromProps==null&&g!==y&&s.componentWillReceiveProps!=null&&s.componentWillReceiveProps(g,A),t.__v==n.__v||!s.__e&&s.shouldComponentUpdate!=null&&s.shouldComponentUpdate(g,s.__s,A)===!1){t.__v!=n.__v&&(s.props=g,s.state=s.__s,s.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(V){V&&(V.__=t)}),ge.push.apply(s.__h,s._sb),s._sb=[],s.__h.length&&c.push(s),d=ee(n);break e}s.componentWillUpdate!=null&&s.componentWillUpdate(g,s.__s,A),w&&s.componentDidUpdate!=null&&s.__h.push(function(){s.componentDidUpdate(y,N,u)})}if(s.context=A,s.props=g,s.__P=e,s.__e=!1,I=x.__r,te=0,w)s.state=s.__s,s.__d=!1,I&&I(t),f=s.render(s.props,s.state,s.context),ge.push.apply(s.__h,s._sb),s._sb=[];else do s.__d=!1,I&&I(t),f=s.render(s.props,s.state,s.context),s.state=s.__s;while(s.__d&&++te<25);s.state=s.__s,s.getChildContext!=null&&(r=K(K({},r),s.getChildContext())),w&&!p&&s.getSnapshotBeforeUpdate!=null&&(u=s.getSnapshotBeforeUpdate(y,N)),q=f!=null&&f.type===le&&f.key==null?yt(f.props.children):f,d=_t(e,we(q)?q:[q],t,n,r,i,o,c,d,m,l),s.base=t.__e,t.__u&=-161,s.__h.length&&c.push(s),_&&(s.__E=s.__=null)}catch(V){if(c.length=h,t.__v=null,m||o!=null){if(V.then){for(t.__u|=m?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;o!=null&&(o[o.indexOf(d)]=null),t.__e=d}else if(o!=null)for(Q=o.length;Q--;)Ue(o[Q])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),V.then||ht(t),x.__e(V,t,n)}}else o==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):d=t.__e=Bt(n.__e,t,n,r,i,o,c,m,l);return(f=x.diffed)&&f(t),128&t.__u?void 0:d}function ht(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(ht))}function gt(e,t,n){for(var r=0;r<n.length;r++)Fe(n[r],n[++r],n[++r]);x.__c&&x.__c(t,e),e.some(function(i){try{e=i.__h,i.__h=[],e.some(function(o){o.call(i)})}catch(o){x.__e(o,i.__v)}})}function yt(e){return typeof e!="object"||e==null||e.__b>0?e:we(e)?e.map(yt):e.constructor!==void 0?null:K({},e)}function Bt(e,t,n,r,i,o,c,d,m){var l,f,h,s,p,y,N,u=n.props||he,_=t.props,g=t.type;if(g=="svg"?i="http://www.w3.org/2000/svg":g=="math"?i="http://www.w3.org/1998/Math/MathML":i||(i="http://www.w3.org/1999/xhtml"),o!=null){for(l=0;l<o.length;l++)if((p=o[l])&&"setAttribute"in p==!!g&&(g?p.localName==g:p.nodeType==3)){e=p,o[l]=null;break}}if(e==null){if(g==null)return document.createTextNode(_);e=document.createElementNS(i,g,_.is&&_),d&&(x.__m&&x.__m(t,o),d=!1),o=null}if(g==null)u===_||d&&e.data==_||(e.data=_);else{if(o=g=="textarea"&&_.defaultValue!=null?null:o&&be.call(e.childNodes),!d&&o!=null)for(u={},l=0;l<e.attributes.length;l++)u[(p=e.attributes[l]).name]=p.value;for(l in u)p=u[l],l=="dangerouslySetInnerHTML"?h=p:l=="children"||l in _||l=="value"&&"defaultValue"in _||l=="checked"&&"defaultChecked"in _||ue(e,l,null,p,i);for(l in _)p=_[l],l=="children"?s=p:l=="dangerouslySetInnerHTML"?f=p:l=="value"?y=p:l=="checked"?N=p:d&&typeof p!="function"||u[l]===p||ue(e,l,p,u[l],i);if(f)d||h&&(f.__html==h.__html||f.__html==e.innerHTML)||(e.innerHTML=f.__html),t.__k=[];else if(h&&(e.innerHTML=""),_t(t.type=="template"?e.content:e,we(s)?s:[s],t,n,r,g=="foreignObject"?"http://www.w3.org/1999/xhtml":i,o,c,o?o[0]:n.__k&&ee(n,0),d,m),o!=null)for(l=o.length;l--;)Ue(o[l]);d&&g!="textarea"||(l="value",g=="progress"&&y==null?e.removeAttribute("value"):y!=null&&(y!==e[l]||g=="progress"&&!y||g=="option"&&y!=u[l])&&ue(e,l,y,u[l],i),l="checked",N!=null&&N!=e[l]&&ue(e,l,N,u[l],i))}return e}function Fe(e,t,n){try{if(typeof e=="function"){var r=typeof e.__u=="function";r&&e.__u(),r&&t==null||(e.__u=e(t))}else e.current=t}catch(i){x.__e(i,n)}}function bt(e,t,n){var r,i;if(x.unmount&&x.unmount(e),(r=e.ref)&&(r.current&&r.current!=e.__e||Fe(r,null,t)),(r=e.__c)!=null){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(o){x.__e(o,t)}r.base=r.__P=r.__n=null}if(r=e.__k)for(i=0;i<r.length;i++)r[i]&&bt(r[i],t,n||typeof e.type!="function");n||Ue(e.__e),e.__c=e.__=e.__e=void 0}function Ft(e,t,n){return this.constructor(e,n)}function Lt(e,t,n){var r,i,o,c;t==document&&(t=document.documentElement),x.__&&x.__(e,t),i=(r=!1)?null:t.__k,o=[],c=[],Be(t,e=t.__k=Dt(le,null,[e]),i||he,he,t.namespaceURI,i?null:t.firstChild?be.call(t.childNodes):null,o,i?i.__e:t.firstChild,r,c),gt(o,e,c),e.props.children=null}function Mt(e){function t(n){var r,i;return this.getChildContext||(r=new Set,(i={})[t.__c]=this,this.getChildContext=function(){return i},this.componentWillUnmount=function(){r=null},this.shouldComponentUpdate=function(o){this.props.value!=o.value&&r.forEach(function(c){c.__e=!0,xe(c)})},this.sub=function(o){r.add(o);var c=o.componentWillUnmount;o.componentWillUnmount=function(){r&&r.delete(o),c&&c.call(o)}}),n.children}return t.__c="__cC"+pt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,r){return n.children(r)}).contextType=t,t}be=ge.slice,x={__e:function(e,t,n,r){for(var i,o,c;t=t.__;)if((i=t.__c)&&!i.__)try{if((o=i.constructor)&&o.getDerivedStateFromError!=null&&(i.setState(o.getDerivedStateFromError(e)),c=i.__d),i.componentDidCatch!=null&&(i.componentDidCatch(e,r||{}),c=i.__d),c)return i.__E=i}catch(d){e=d}throw e}},ct=0,_e.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=K({},this.state),typeof e=="function"&&(e=e(K({},n),this.props)),e&&K(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),xe(this))},_e.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),xe(this))},_e.prototype.render=le,Y=[],lt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,dt=function(e,t){return e.__v.__b-t.__v.__b},ye.__r=0,ke=Math.random().toString(8),pe="__d"+ke,ae="__a"+ke,ut=/(PointerCapture)$|Capture$/i,Re=0,Ee=Ve(!1),Pe=Ve(!0),pt=0;var Ht=0;function a(e,t,n,r,i,o){t||(t={});var c,d,m=t;if("ref"in m)for(d in m={},t)d=="ref"?c=t[d]:m[d]=t[d];var l={type:e,props:m,key:n,ref:c,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Ht,__i:-1,__u:0,__source:i,__self:o};if(typeof e=="function"&&(c=e.defaultProps))for(d in c)m[d]===void 0&&(m[d]=c[d]);return x.vnode&&x.vnode(l),l}var ie,T,Se,je,$e=0,wt=[],C=x,Ke=C.__b,Qe=C.__r,Ye=C.diffed,Je=C.__c,Xe=C.unmount,Ze=C.__;function Ie(e,t){C.__h&&C.__h(T,e,$e||t),$e=0;var n=T.__H||(T.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function k(e){return $e=1,Wt(kt,e)}function Wt(e,t,n){var r=Ie(ie++,2);if(r.t=e,!r.__c&&(r.__=[kt(void 0,t),function(d){var m=r.__N?r.__N[0]:r.__[0],l=r.t(m,d);m!==l&&(r.__N=[l,r.__[1]],r.__c.setState({}))}],r.__c=T,!T.__f)){var i=function(d,m,l){if(!r.__c.__H)return!0;var f=!1,h=r.__c.props!==d;if(r.__c.__H.__.some(function(p){if(p.__N){f=!0;var y=p.__[0];p.__=p.__N,p.__N=void 0,y!==p.__[0]&&(h=!0)}}),o){var s=o.call(this,d,m,l);return f?s||h:s}return!f||h};T.__f=!0;var o=T.shouldComponentUpdate,c=T.componentWillUpdate;T.componentWillUpdate=function(d,m,l){if(this.__e){var f=o;o=void 0,i(d,m,l),o=f}c&&c.call(this,d,m,l)},T.shouldComponentUpdate=i}return r.__N||r.__}function z(e,t){var n=Ie(ie++,3);!C.__s&&It(n.__H,t)&&(n.__=e,n.u=t,T.__H.__h.push(n))}function qt(e,t){var n=Ie(ie++,7);return It(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Gt(e){var t=T.context[e.__c],n=Ie(ie++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub(T)),t.props.value):e.__}function zt(){for(var e;e=wt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(fe),t.__h.some(Te),t.__h=[]}catch(n){t.__h=[],C.__e(n,e.__v)}}}C.__b=function(e){T=null,Ke&&Ke(e)},C.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Ze&&Ze(e,t)},C.__r=function(e){Qe&&Qe(e),ie=0;var t=(T=e.__c).__H;t&&(Se===T?(t.__h=[],T.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(fe),t.__h.some(Te),t.__h=[],ie=0)),Se=T},C.diffed=function(e){Ye&&Ye(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(wt.push(t)!==1&&je===C.requestAnimationFrame||((je=C.requestAnimationFrame)||Vt)(zt)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),Se=T=null},C.__c=function(e,t){t.some(function(n){try{n.__h.some(fe),n.__h=n.__h.filter(function(r){return!r.__||Te(r)})}catch(r){t.some(function(i){i.__h&&(i.__h=[])}),t=[],C.__e(r,n.__v)}}),Je&&Je(e,t)},C.unmount=function(e){Xe&&Xe(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{fe(r)}catch(i){t=i}}),n.__H=void 0,t&&C.__e(t,n.__v))};var et=typeof requestAnimationFrame=="function";function Vt(e){var t,n=function(){clearTimeout(r),et&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);et&&(t=requestAnimationFrame(n))}function fe(e){var t=T,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),T=t}function Te(e){var t=T;e.__c=e.__(),T=t}function It(e,t){return!e||e.length!==t.length||t.some(function(n,r){return n!==e[r]})}function kt(e,t){return typeof t=="function"?t(e):t}const jt={},Le=jt;function St(e){return new URL(e,window.location.href).toString()}const At=St(Le.VITE_GRAPHQL_URL??"/graphql"),Kt=At.replace(/^http/,"ws"),Qt=St(Le.VITE_WECHAT_AUTHORIZE_URL??"/sim/wechat/connect/oauth2/authorize"),Yt=Le.VITE_WECHAT_APP_ID??"wx-hospital-demo",Oe="hospital-h5:sign-in-state",De="hospital-h5:token";function Jt(){return window.sessionStorage.getItem(De)}function Ae(e){e?window.sessionStorage.setItem(De,e):window.sessionStorage.removeItem(De)}function Xt(){const e=crypto.getRandomValues(new Uint8Array(16));return Array.from(e,t=>t.toString(16).padStart(2,"0")).join("")}function Me(){return window.location.origin+window.location.pathname}function Zt(){const e=Xt();window.sessionStorage.setItem(Oe,e);const t=new URL(Qt);t.search=new URLSearchParams({appid:Yt,redirect_uri:Me(),response_type:"code",scope:"snsapi_base",state:e}).toString(),t.hash="wechat_redirect",window.location.assign(t.toString())}function en(){const e=new URLSearchParams(window.location.search),t=e.get("code");if(!t)return null;const n=e.get("state"),r=window.sessionStorage.getItem(Oe);window.sessionStorage.removeItem(Oe),e.delete("code"),e.delete("state");const i=e.toString();return window.history.replaceState(null,"",Me()+(i?`?${i}`:"")),r!==null&&r===n?{code:t}:{mismatch:!0}}function L(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function Z(e){return L(e)==="object"}function tn(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function tt(e,t){return e.length<124?e:t}const nn="graphql-transport-ws";var H=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(H||{}),W=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(W||{});function Nt(e){if(!Z(e))throw new Error(`Message is expected to be an object, but got ${L(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${L(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${L(e.payload.query)}`);if(e.payload.variables!=null&&!Z(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${L(e.payload.variables)}`);if(e.payload.operationName!=null&&L(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${L(e.payload.operationName)}`);if(e.payload.extensions!=null&&!Z(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${L(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!tn(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function rn(e,t){return Nt(typeof e=="string"?JSON.parse(e,t):e)}function oe(e,t){return Nt(e),JSON.stringify(e,t)}function on(e){const{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:i=console.error,lazyCloseTimeout:o=0,keepAlive:c=0,disablePong:d,connectionAckWaitTimeout:m=0,retryAttempts:l=5,retryWait:f=async function($){const b=Math.pow(2,$);await new Promise(E=>setTimeout(E,b*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:h=Ne,on:s,webSocketImpl:p,generateID:y=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,$=>{const b=Math.random()*16|0;return($=="x"?b:b&3|8).toString(16)})},jsonMessageReplacer:N,jsonMessageReviver:u}=e;let _;if(p){if(!an(p))throw new Error("Invalid WebSocket implementation provided");_=p}else typeof WebSocket<"u"?_=WebSocket:typeof global<"u"?_=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");const g=_,w=(()=>{const S=(()=>{const b={};return{on(E,O){return b[E]=O,()=>{delete b[E]}},emit(E){"id"in E&&b[E.id]?.(E)}}})(),$={connecting:s?.connecting?[s.connecting]:[],opened:s?.opened?[s.opened]:[],connected:s?.connected?[s.connected]:[],ping:s?.ping?[s.ping]:[],pong:s?.pong?[s.pong]:[],message:s?.message?[S.emit,s.message]:[S.emit],closed:s?.closed?[s.closed]:[],error:s?.error?[s.error]:[]};return{onMessage:S.on,on(b,E){const O=$[b];return O.push(E),()=>{const D=O.indexOf(E);D>-1&&O.splice(D,1)}},emit(b,...E){for(const O of[...$[b]])O(...E)}}})();function R(S){const $=[w.on("error",b=>{$.forEach(E=>E()),S(b)}),w.on("closed",b=>{$.forEach(E=>E()),S(b)})];return()=>$.forEach(b=>b())}let A,I=0,te,q=!1,Q=0,M=!1;async function V(){clearTimeout(te);const[S,$]=await(A??(A=new Promise((O,D)=>(async()=>{if(q){if(await f(Q),!I)return A=void 0,D({code:1e3,reason:"All Subscriptions Gone"});Q++}w.emit("connecting",q);const v=new g(typeof t=="function"?await t():t,nn);let j,ne;function de(){isFinite(c)&&c>0&&(clearTimeout(ne),ne=setTimeout(()=>{v.readyState===g.OPEN&&(v.send(oe({type:W.Ping})),w.emit("ping",!1,void 0))},c))}R(B=>{A=void 0,clearTimeout(j),clearTimeout(ne),D(B),B instanceof nt&&(v.close(4499,"Terminated"),v.onerror=null,v.onclose=null)}),v.onerror=B=>w.emit("error",B),v.onclose=B=>w.emit("closed",B),v.onopen=async()=>{try{w.emit("opened",v);const B=typeof n=="function"?await n():n;if(v.readyState!==g.OPEN)return;v.send(oe(B?{type:W.ConnectionInit,payload:B}:{type:W.ConnectionInit},N)),isFinite(m)&&m>0&&(j=setTimeout(()=>{v.close(H.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},m)),de()}catch(B){w.emit("error",B),v.close(H.InternalClientError,tt(B instanceof Error?B.message:String(B),"Internal client error"))}};let re=!1;v.onmessage=({data:B})=>{try{const U=rn(B,u);if(w.emit("message",U),U.type==="ping"||U.type==="pong"){w.emit(U.type,!0,U.payload),U.type==="pong"?de():d||(v.send(oe(U.payload?{type:W.Pong,payload:U.payload}:{type:W.Pong},N)),w.emit("pong",!1,U.payload));return}if(re)return;if(U.type!==W.ConnectionAck)throw new Error(`First message cannot be of type ${U.type}`);clearTimeout(j),re=!0,w.emit("connected",v,U.payload,q),q=!1,Q=0;const qe=new Promise((Vn,xt)=>R(xt));qe.catch(()=>{}),O([v,qe])}catch(U){v.onmessage=null,w.emit("error",U),v.close(H.BadResponse,tt(U instanceof Error?U.message:String(U),"Bad response"))}}})())));S.readyState===g.CLOSING&&await $;let b=()=>{};const E=new Promise(O=>b=O);return[S,b,new Promise((O,D)=>{const v=R(D);S.readyState!==g.OPEN&&$.catch(D),E.then(()=>{if(v(),!I){const j=()=>S.close(1e3,"Normal Closure");isFinite(o)&&o>0?(clearTimeout(te),te=setTimeout(()=>{!I&&S.readyState===g.OPEN&&j()},o)):j()}O()})})]}function He(S){if(Ne(S)&&(sn(S.code)||[H.InternalServerError,H.InternalClientError,H.BadRequest,H.BadResponse,H.Unauthorized,H.SubprotocolNotAcceptable,H.SubscriberAlreadyExists,H.TooManyInitialisationRequests].includes(S.code)))throw S;if(M)return!1;if(Ne(S)&&S.code===1e3)return I>0;if(!l||Q>=l||!h(S))throw S;return q=!0}r||(async()=>{for(I++;;)try{const[,,S]=await V();await S}catch(S){try{if(!He(S))return}catch($){return i?.($)}}})();function We(S,$){const b=y(S);let E=!1,O=!1,D=()=>{I--,E=!0};return(async()=>{for(I++;;)try{const[v,j,ne]=await V();if(E)return ne.catch(()=>{}),j();const de=w.onMessage(b,re=>{switch(re.type){case W.Next:{$.next(re.payload);return}case W.Error:{O=!0,E=!0,$.error(re.payload),D();return}case W.Complete:{E=!0,D();return}}});v.send(oe({id:b,type:W.Subscribe,payload:S},N)),D=()=>{!E&&v.readyState===g.OPEN&&v.send(oe({id:b,type:W.Complete},N)),I--,E=!0,j()},await ne.finally(de);return}catch(v){if(!He(v))return}})().then(()=>{O||$.complete()}).catch(v=>{$.error(v)}),()=>{E||D()}}return{on:w.on,subscribe:We,iterate(S){const $=[],b={done:!1,error:null,resolve:()=>{}},E=We(S,{next(D){$.push(D),b.resolve()},error(D){b.done=!0,b.error=D,b.resolve()},complete(){b.done=!0,b.resolve()}}),O=(async function*(){for(;;){for($.length||await new Promise(v=>b.resolve=v);$.length;)yield $.shift();if(b.error)throw b.error;if(b.done)return}})();return O.throw=async D=>(b.done||(b.done=!0,b.error=D,b.resolve()),{done:!0,value:void 0}),O.return=async()=>(E(),{done:!0,value:void 0}),O},async dispose(){if(M=!0,A){const[S]=await A;S.close(1e3,"Normal Closure")}},terminate(){A&&w.emit("closed",new nt)}}}class nt extends Error{constructor(){super(...arguments);G(this,"name","TerminatedCloseEvent");G(this,"message","4499: Terminated");G(this,"code",4499);G(this,"reason","Terminated");G(this,"wasClean",!1)}}function Ne(e){return Z(e)&&"code"in e&&"reason"in e}function sn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function an(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}class Ce extends Error{constructor(n,r){super(n);G(this,"code");this.code=r}}const cn="PERSISTED_QUERY_NOT_FOUND",rt=new Map;async function ln(e){if(!globalThis.crypto?.subtle)return null;const t=await crypto.subtle.digest("SHA-256",new TextEncoder().encode(e));return Array.from(new Uint8Array(t),n=>n.toString(16).padStart(2,"0")).join("")}async function dn(e){const t=rt.get(e);if(t)return t;const n=await ln(e);return n&&rt.set(e,n),n}function un(e){const t={"content-type":"application/json",accept:"application/graphql-response+json, application/json","accept-language":e.language};return e.token&&(t.authorization=`Bearer ${e.token}`),t}async function ve(e,t){const n=await fetch(At,{method:"POST",headers:un(e),body:JSON.stringify(t)});if(!(n.headers.get("content-type")??"").includes("json"))throw new Ce(`HTTP ${n.status}`,null);return await n.json()}function it(e){return e.errors?.[0]?.extensions?.code??null}async function F(e,t,n){const r=t.toString(),i=await dn(r);let o;if(i){const c={version:1,sha256Hash:i};o=await ve(e,{variables:n,extensions:{persistedQuery:c}}),it(o)===cn&&(o=await ve(e,{query:r,variables:n,extensions:{persistedQuery:c}}))}else o=await ve(e,{query:r,variables:n});if(o.errors?.length)throw new Ce(o.errors[0].message,it(o));if(!o.data)throw new Ce("no data",null);return o.data}let se=null;function pn(e){if(se&&se.token===e.token)return se.client;se?.client.dispose();const t=e.token,n=on({url:Kt,connectionParams:t?{Authorization:`Bearer ${t}`}:{},lazy:!0,retryAttempts:5});return se={client:n,token:t},n}function vt(e,t,n,r){return pn(e).subscribe({query:t.toString(),variables:n},{next:i=>{i.data&&r(i.data)},error:()=>{},complete:()=>{}})}const mn={title:"门诊挂号",switchLanguage:"English",signInWechat:"微信授权登录",signInIntro:"通过微信公众号授权登录后挂号、缴费、查看报告。",signingIn:"正在登录…",signInStateMismatch:"登录链接已失效，请重新登录",signOut:"退出",verifyTitle:"实名认证",verifyIntro:"首次使用请填写就诊人身份信息（与医院登记一致）。",name:"姓名",idNumber:"身份证号",phone:"手机号",verify:"认证",patient:"就诊人",departments:"科室",myOrders:"订单",back:"返回",noSchedules:"近 7 天无排班",remaining:"余号",fee:"挂号费",eligible:"可预约",full:"已约满",ended:"本时段已结束",book:"预约",confirmBook:"确认预约",order:"订单",status:"状态",amount:"金额",payNow:"去支付",paying:"正在等待支付结果…",ticket:"就诊凭条",ticketNumber:"序号",suggestedArrival:"建议到院时间",location:"就诊地点",cancel:"取消预约",confirmCancel:"确认取消预约？已付款项将原路退回。",refund:"退款",refundMode:"退款方式",refundBy:"预计到账",refundStatus:"退款状态",noOrders:"暂无挂号记录",loading:"加载中…",live:"实时通知",family:"就诊人",bills:"缴费",noBills:"暂无待缴费用",payBills:"合并缴费",reports:"报告",noReports:"暂无报告",flags:{HIGH:"↑ 偏高",LOW:"↓ 偏低",ABNORMAL:"异常",CRITICAL:"危急"},bindTitle:"添加就诊人",bind:"添加",relation:"关系",relations:{SELF:"本人",CHILD:"子女",PARENT:"父母",SPOUSE:"配偶",OTHER:"其他"},period:{MORNING:"上午",AFTERNOON:"下午",EVENING:"夜间"},orderStatus:{AWAITING_PAYMENT:"待支付",PAID:"已支付，医院确认中",CONFIRMED:"已预约",EXPIRED:"已过期",CANCELLED:"已取消",FAILED:"医院未能确认，将退款",COMPLETED:"已就诊"},refundModes:{REVERSAL:"当日冲正，即时到账",REFUND:"原路退款，即时到账",BATCH:"次日批量退款，7 日内到账"},refundStatuses:{PENDING:"待退款",PROCESSING:"退款中",SUCCEEDED:"已退款",FAILED:"退款失败，请联系医院"}},_n={title:"Outpatient booking",switchLanguage:"中文",signInWechat:"Sign in with WeChat",signInIntro:"Sign in through the official account to book, pay and read reports.",signingIn:"Signing in…",signInStateMismatch:"This sign-in link has expired; please sign in again",signOut:"Sign out",verifyTitle:"Verify your identity",verifyIntro:"First time here: enter the patient's details as the hospital records them.",name:"Name",idNumber:"ID number",phone:"Mobile",verify:"Verify",patient:"Patient",departments:"Departments",myOrders:"Orders",back:"Back",noSchedules:"No clinics in the next 7 days",remaining:"Left",fee:"Fee",eligible:"Bookable",full:"Full",ended:"This clinic is over",book:"Book",confirmBook:"Confirm booking",order:"Order",status:"Status",amount:"Amount",payNow:"Pay",paying:"Waiting for the payment…",ticket:"Ticket",ticketNumber:"Number",suggestedArrival:"Suggested arrival",location:"Where",cancel:"Cancel booking",confirmCancel:"Cancel this booking? The money goes back the way it came.",refund:"Refund",refundMode:"Refund mode",refundBy:"Expected by",refundStatus:"Refund status",noOrders:"No bookings yet",loading:"Loading…",live:"Live notices",family:"Patients",bills:"Bills",noBills:"Nothing to pay",payBills:"Pay all",reports:"Reports",noReports:"No reports yet",flags:{HIGH:"↑ high",LOW:"↓ low",ABNORMAL:"abnormal",CRITICAL:"critical"},bindTitle:"Add a family member",bind:"Add",relation:"Relation",relations:{SELF:"Self",CHILD:"Child",PARENT:"Parent",SPOUSE:"Spouse",OTHER:"Other"},period:{MORNING:"Morning",AFTERNOON:"Afternoon",EVENING:"Evening"},orderStatus:{AWAITING_PAYMENT:"Awaiting payment",PAID:"Paid, the hospital is confirming",CONFIRMED:"Booked",EXPIRED:"Expired",CANCELLED:"Cancelled",FAILED:"Not confirmed by the hospital; refunding",COMPLETED:"Attended"},refundModes:{REVERSAL:"Same-day reversal: back at once",REFUND:"Refund to the payer: back at once",BATCH:"Next-day batch: back within 7 days"},refundStatuses:{PENDING:"Pending",PROCESSING:"Processing",SUCCEEDED:"Refunded",FAILED:"Failed: please contact the hospital"}},Et={"zh-CN":mn,en:_n};function J(e){return`¥${(e/100).toFixed(2)}`}function ce(e){return e?`${e.slice(5,10)} ${e.slice(11,16)}`:"—"}const Pt=Mt({session:{token:null,language:"zh-CN"},language:"zh-CN"});function X(){const e=Gt(Pt);return{...e,t:Et[e.language]}}class P extends String{constructor(n,r){super(n);G(this,"__apiType");G(this,"value");G(this,"__meta__");this.value=n,this.__meta__=r}toString(){return this.value}}new P(`
    fragment Problem on UserError {
  code
  message
}
    `,{fragmentName:"Problem"});new P(`
    fragment PatientFields on Patient {
  id
  name
  maskedIdNumber
  sex
  birthDate
  relation
  insurance
  cardNumber
}
    `,{fragmentName:"PatientFields"});new P(`
    fragment ScheduleFields on Schedule {
  id
  date
  period
  status
  fee
  capacity
  remaining
  slots {
    id
    startsAt
    endsAt
    remaining
  }
}
    `,{fragmentName:"ScheduleFields"});new P(`
    fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}
    `,{fragmentName:"OrderFields"});new P(`
    fragment NoticeFields on Notice {
  id
  kind
  title
  body
  createdAt
  read
  patientId
  orderId
}
    `,{fragmentName:"NoticeFields"});const fn=new P(`
    mutation SignIn($code: String!) {
  signIn(platform: WECHAT, code: $code) {
    __typename
    ... on SignInSuccess {
      token
      expiresAt
      me {
        id
        verified
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`),hn=new P(`
    mutation VerifyIdentity($input: VerifyIdentityInput!) {
  verifyIdentity(input: $input) {
    __typename
    ... on VerifyIdentitySuccess {
      me {
        id
        verified
        maskedName
        patients {
          id
          name
          relation
        }
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`),gn=new P(`
    mutation BindPatient($input: BindPatientInput!) {
  bindPatient(input: $input) {
    __typename
    ... on BindPatientSuccess {
      patient {
        ...PatientFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment PatientFields on Patient {
  id
  name
  maskedIdNumber
  sex
  birthDate
  relation
  insurance
  cardNumber
}`);new P(`
    mutation UnbindPatient($patientId: ID!) {
  unbindPatient(patientId: $patientId) {
    __typename
    ... on UnbindPatientSuccess {
      patientId
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`);const yn=new P(`
    query Me {
  me {
    id
    verified
    maskedName
    restrictedUntil
    patients {
      ...PatientFields
    }
  }
}
    fragment PatientFields on Patient {
  id
  name
  maskedIdNumber
  sex
  birthDate
  relation
  insurance
  cardNumber
}`),bn=new P(`
    query Departments {
  departments {
    id
    name
    intro
    restriction {
      sex
      minAge
      maxAge
    }
    children {
      id
      name
    }
  }
}
    `);new P(`
    query DepartmentExperts($departmentId: ID!) {
  department(id: $departmentId) {
    id
    name
    experts {
      id
      name
      title
      specialty
      photoUrl
    }
  }
}
    `);new P(`
    query ExpertDetail($expertId: ID!, $from: Date!, $to: Date!) {
  expert(id: $expertId) {
    id
    name
    title
    specialty
    intro
    department {
      id
      name
    }
    schedules(from: $from, to: $to) {
      ...ScheduleFields
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  date
  period
  status
  fee
  capacity
  remaining
  slots {
    id
    startsAt
    endsAt
    remaining
  }
}`);const wn=new P(`
    query DepartmentSchedules($departmentId: ID!, $from: Date!, $to: Date!, $patientId: ID) {
  schedules(departmentId: $departmentId, from: $from, to: $to) {
    ...ScheduleFields
    expert {
      id
      name
      title
    }
    eligibility(patientId: $patientId) {
      eligible
      code
      reason
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  date
  period
  status
  fee
  capacity
  remaining
  slots {
    id
    startsAt
    endsAt
    remaining
  }
}`),In=new P(`
    mutation BookAppointment($input: BookAppointmentInput!) {
  bookAppointment(input: $input) {
    __typename
    ... on BookAppointmentSuccess {
      order {
        ...OrderFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`),kn=new P(`
    mutation PayOrder($orderId: ID!, $idempotencyKey: String!) {
  payOrder(orderId: $orderId, idempotencyKey: $idempotencyKey) {
    __typename
    ... on PayOrderSuccess {
      payment {
        id
        amount
        status
        payUrl
        expiresAt
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`),Sn=new P(`
    mutation CancelAppointment($orderId: ID!, $reason: String) {
  cancelAppointment(orderId: $orderId, reason: $reason) {
    __typename
    ... on CancelAppointmentSuccess {
      order {
        ...OrderFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`),An=new P(`
    query Order($id: ID!) {
  order(id: $id) {
    ...OrderFields
  }
}
    fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`),Nn=new P(`
    query Orders($patientId: ID, $status: [OrderStatus!], $first: Int, $after: String) {
  orders(patientId: $patientId, status: $status, first: $first, after: $after) {
    edges {
      cursor
      node {
        ...OrderFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`),vn=new P(`
    query UnpaidBills($patientId: ID!) {
  unpaidBills(patientId: $patientId) {
    id
    title
    amount
    issuedAt
    items {
      code
      name
      amount
    }
  }
}
    `),En=new P(`
    mutation PayBills($input: PayBillsInput!) {
  payBills(input: $input) {
    __typename
    ... on PayBillsSuccess {
      order {
        ...OrderFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`),Pn=new P(`
    query Reports($patientId: ID!, $first: Int, $after: String) {
  reports(patientId: $patientId, first: $first, after: $after) {
    edges {
      node {
        id
        kind
        title
        status
        issuedAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `),xn=new P(`
    query Report($id: ID!) {
  report(id: $id) {
    id
    kind
    title
    status
    issuedAt
    conclusion
    items {
      name
      value
      unit
      referenceRange
      flag
    }
  }
}
    `);new P(`
    query Prescriptions($patientId: ID!) {
  prescriptions(patientId: $patientId) {
    id
    issuedAt
    doctorName
    diagnosis
    items {
      drugName
      dose
      frequency
      route
      days
      guidance
    }
  }
}
    `);new P(`
    query Notices($first: Int, $after: String) {
  notices(first: $first, after: $after) {
    unreadCount
    edges {
      node {
        ...NoticeFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment NoticeFields on Notice {
  id
  kind
  title
  body
  createdAt
  read
  patientId
  orderId
}`);new P(`
    mutation MarkNoticesRead($ids: [ID!]!) {
  markNoticesRead(ids: $ids) {
    __typename
    ... on MarkNoticesReadSuccess {
      unreadCount
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`);const $n=new P(`
    subscription NoticeStream {
  notices {
    ...NoticeFields
  }
}
    fragment NoticeFields on Notice {
  id
  kind
  title
  body
  createdAt
  read
  patientId
  orderId
}`),Tn=new P(`
    subscription OrderUpdates($orderId: ID!) {
  orderUpdated(orderId: $orderId) {
    id
    status
    paidAt
    refund {
      status
      amount
      mode
    }
  }
}
    `);new P(`
    subscription ScheduleAvailability($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) {
    id
    status
    remaining
  }
}
    `);function On({patientId:e,onOrder:t}){const{session:n,t:r}=X(),[i,o]=k(null),[c,d]=k(null),[m,l]=k(!1);z(()=>{d(null),o(null),F(n,vn,{patientId:e}).then(p=>o(p.unpaidBills)).catch(p=>d(p.message))},[e,n]);const f=async()=>{if(i?.length){l(!0),d(null);try{const{payBills:p}=await F(n,En,{input:{patientId:e,billIds:i.map(y=>y.id),idempotencyKey:crypto.randomUUID()}});p.__typename==="PayBillsSuccess"?t(p.order.id):"message"in p&&d(p.message)}catch(p){d(p.message)}finally{l(!1)}}},h=c&&a("p",{class:"error",role:"alert",children:c});if(!i)return h||a("p",{class:"muted",children:r.loading});if(!i.length)return h||a("p",{class:"muted",children:r.noBills});const s=i.reduce((p,y)=>p+y.amount,0);return a("section",{children:[h,i.map(p=>a("article",{class:"card bill",children:[a("h3",{children:[p.title," · ",J(p.amount)]}),a("p",{class:"muted",children:ce(p.issuedAt)}),p.items.map(y=>a("p",{children:a("small",{children:[y.name," ",J(y.amount)]})},y.code))]},p.id)),a("button",{class:"primary",disabled:m,onClick:f,children:[r.payBills," ",J(s)]})]})}function ot(e){return new Date(e.getTime()-e.getTimezoneOffset()*6e4).toISOString().slice(0,10)}function st(e){return e.slice(11,16)}function Dn({patientId:e,onBooked:t}){const{session:n,t:r}=X(),[i,o]=k(null),[c,d]=k(null),[m,l]=k(null),[f,h]=k(null),[s,p]=k(!1);z(()=>{F(n,bn,{}).then(u=>o(u.departments)).catch(u=>h(u.message))},[n]),z(()=>{if(!c)return;l(null);const u=new Date,_=new Date(u.getTime()+6*864e5);F(n,wn,{departmentId:c.id,from:ot(u),to:ot(_),patientId:e}).then(g=>l(g.schedules)).catch(g=>h(g.message))},[c,e,n]);const y=async u=>{p(!0),h(null);try{const{bookAppointment:_}=await F(n,In,{input:{patientId:e,slotId:u,idempotencyKey:crypto.randomUUID()}});_.__typename==="BookAppointmentSuccess"?t(_.order.id):"message"in _&&h(_.message)}catch(_){h(_.message)}finally{p(!1)}},N=f&&a("p",{class:"error",role:"alert",children:f});if(!c){if(!i)return N||a("p",{class:"muted",children:r.loading});const u=i.flatMap(_=>_.children.length?_.children.map(g=>({...g,parent:_.name})):[{id:_.id,name:_.name,parent:""}]);return a("section",{children:[N,a("ul",{class:"list",children:u.map(_=>a("li",{children:a("button",{class:"row",onClick:()=>d({id:_.id,name:_.name}),children:[a("span",{children:_.name}),a("small",{class:"muted",children:_.parent})]})},_.id))})]})}return a("section",{children:[a("p",{children:[a("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})," ",a("strong",{children:c.name})]}),N,!m&&a("p",{class:"muted",children:r.loading}),m&&!m.length&&a("p",{class:"muted",children:r.noSchedules}),m?.map(u=>a("article",{class:"card schedule","data-schedule":u.id,"data-date":u.date,children:[a("h3",{children:[u.date," ",r.period[u.period]," · ",u.expert?`${u.expert.name} ${u.expert.title}`:c.name]}),a("p",{class:"muted",children:[r.fee," ",J(u.fee)," · ",r.remaining," ",u.remaining,"/",u.capacity]}),u.eligibility&&!u.eligibility.eligible?a("p",{class:"reason","data-code":u.eligibility.code??"",children:u.eligibility.reason}):a("div",{class:"slots",children:[u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).length===0&&a("p",{class:"muted",children:r.ended}),u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).map(_=>a("button",{class:"slot",disabled:s||_.remaining<1,title:_.remaining<1?r.full:r.eligible,onClick:()=>y(_.id),children:[st(_.startsAt),"–",st(_.endsAt),a("small",{children:_.remaining<1?r.full:`${r.remaining} ${_.remaining}`})]},_.id))]})]},u.id))]})}const Cn=["CHILD","PARENT","SPOUSE","OTHER"];function Rn({patients:e,onBound:t}){const{session:n,t:r}=X(),[i,o]=k(""),[c,d]=k(""),[m,l]=k(""),[f,h]=k("CHILD"),[s,p]=k(null),[y,N]=k(!1),u=async g=>{g.preventDefault(),N(!0),p(null);try{const{bindPatient:w}=await F(n,gn,{input:{name:i.trim(),idNumber:c.trim(),phone:m.trim(),relation:f}});w.__typename==="BindPatientSuccess"?(o(""),d(""),t()):"message"in w&&p(w.message)}catch(w){p(w.message)}finally{N(!1)}},_=(g,w,R)=>a("label",{class:"field",children:[a("span",{children:g}),a("input",{value:w,required:!0,onInput:A=>R(A.target.value)})]});return a("section",{children:[a("ul",{class:"list",children:e.map(g=>a("li",{class:"card patient-row",children:[a("strong",{children:g.name})," ",a("small",{class:"muted",children:r.relations[g.relation]}),a("br",{}),a("small",{class:"muted",children:[g.maskedIdNumber," · ",g.cardNumber??""]})]},g.id))}),a("form",{class:"card",onSubmit:u,children:[a("h2",{children:r.bindTitle}),_(r.name,i,o),_(r.idNumber,c,d),_(r.phone,m,l),a("label",{class:"field",children:[a("span",{children:r.relation}),a("select",{value:f,onChange:g=>h(g.target.value),children:Cn.map(g=>a("option",{value:g,children:r.relations[g]},g))})]}),s&&a("p",{class:"error",role:"alert",children:s}),a("button",{class:"primary",type:"submit",disabled:y,children:r.bind})]})]})}const Un=3;function Bn({onNotice:e}){const{session:t,t:n}=X(),[r,i]=k([]);return z(()=>vt(t,$n,{},o=>{const c=o.notices;i(d=>[c,...d].slice(0,Un)),e(c)}),[t]),r.length?a("aside",{class:"card notices","aria-live":"polite",children:[a("h2",{children:n.live}),r.map(o=>a("p",{"data-kind":o.kind,children:[a("strong",{children:o.title})," ",o.body]},o.id))]}):null}const Fn=new Set(["AWAITING_PAYMENT","PAID"]),Ln=2e3;function Mn({id:e,onBack:t}){const{session:n,t:r}=X(),[i,o]=k(null),[c,d]=k(null),[m,l]=k(!1),f=()=>F(n,An,{id:e}).then(u=>o(u.order)).catch(u=>d(u.message));z(()=>{f();const u=vt(n,Tn,{orderId:e},()=>f()),_=window.setInterval(()=>{document.visibilityState==="visible"&&f()},Ln);return()=>{u(),window.clearInterval(_)}},[e,n]);const h=async()=>{l(!0),d(null);try{const{payOrder:u}=await F(n,kn,{orderId:e,idempotencyKey:`pay-${e}`});if(u.__typename==="PayOrderSuccess"){const _=new URL(u.payment.payUrl);_.searchParams.set("redirect_url",`${Me()}?order=${encodeURIComponent(e)}`),window.location.assign(_.toString());return}"message"in u&&d(u.message)}catch(u){d(u.message)}l(!1)},s=async()=>{if(window.confirm(r.confirmCancel)){l(!0),d(null);try{const{cancelAppointment:u}=await F(n,Sn,{orderId:e,reason:null});u.__typename==="CancelAppointmentSuccess"?o(u.order):"message"in u&&d(u.message)}catch(u){d(u.message)}finally{l(!1)}}},p=a("p",{children:a("button",{class:"link",onClick:t,children:["← ",r.back]})});if(!i)return a("section",{children:[p,c?a("p",{class:"error",children:c}):a("p",{class:"muted",children:r.loading})]});const y=i.appointment,N=i.kind==="REGISTRATION"&&["AWAITING_PAYMENT","PAID","CONFIRMED"].includes(i.status);return a("section",{children:[p,a("article",{class:"card order","data-status":i.status,children:[a("h2",{children:[r.order," · ",a("span",{class:"status",children:r.orderStatus[i.status]??i.status})]}),y&&a("p",{children:[y.department?.name," ",y.expert?`· ${y.expert.name} ${y.expert.title}`:"",a("br",{}),y.date," ",r.period[y.period]," ",y.startsAt.slice(11,16),"–",y.endsAt.slice(11,16)]}),a("p",{children:[i.patient.name," · ",r.amount," ",J(i.amount)]}),Fn.has(i.status)&&i.paidAt&&a("p",{class:"muted",children:r.paying}),i.status==="AWAITING_PAYMENT"&&a("button",{class:"primary",disabled:m,onClick:h,children:[r.payNow," ",J(i.amount)]})]}),i.ticket&&a("article",{class:"card ticket",children:[a("h2",{children:r.ticket}),a("p",{class:"number",children:[r.ticketNumber," ",a("strong",{children:i.ticket.number})]}),a("p",{children:[r.suggestedArrival," ",a("strong",{class:"arrival",children:ce(i.ticket.suggestedArrival)})]}),i.ticket.location&&a("p",{children:[r.location," ",i.ticket.location]})]}),i.refund&&a("article",{class:"card refund",children:[a("h2",{children:r.refund}),a("p",{children:[r.amount," ",J(i.refund.amount)," ·"," ",r.refundStatuses[i.refund.status]??i.refund.status]}),a("p",{children:[r.refundMode," ",a("strong",{class:"mode",children:i.refund.mode?r.refundModes[i.refund.mode]:"—"})]}),a("p",{children:[r.refundBy," ",a("strong",{class:"expected",children:ce(i.refund.expectedBy)})]})]}),c&&a("p",{class:"error",role:"alert",children:c}),N&&a("button",{class:"danger",disabled:m,onClick:s,children:r.cancel})]})}function Hn({patientId:e,onOpen:t}){const{session:n,t:r}=X(),[i,o]=k(null),[c,d]=k(null);return z(()=>{F(n,Nn,{patientId:e,status:null,first:20,after:null}).then(m=>o(m.orders.edges.map(l=>l.node))).catch(m=>d(m.message))},[e,n]),c?a("p",{class:"error",children:c}):i?i.length?a("ul",{class:"list",children:i.map(m=>a("li",{children:a("button",{class:"row",onClick:()=>t(m.id),children:[a("span",{children:[m.appointment?.date," ",m.appointment?.department?.name??m.items[0]?.name]}),a("small",{children:[r.orderStatus[m.status]??m.status," · ",J(m.amount)]})]})},m.id))}):a("p",{class:"muted",children:r.noOrders}):a("p",{class:"muted",children:r.loading})}function Wn({patientId:e,refresh:t}){const{session:n,t:r}=X(),[i,o]=k(null),[c,d]=k(null),[m,l]=k(null);z(()=>{l(null),F(n,Pn,{patientId:e,first:20,after:null}).then(h=>o(h.reports.edges.map(s=>s.node))).catch(h=>l(h.message))},[e,n,t]);const f=h=>F(n,xn,{id:h}).then(s=>d(s.report)).catch(s=>l(s.message));return m?a("p",{class:"error",role:"alert",children:m}):c?a("section",{class:"card report",children:[a("p",{children:a("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})}),a("h2",{children:c.title}),a("p",{class:"muted",children:ce(c.issuedAt)}),c.conclusion&&a("p",{children:c.conclusion}),a("table",{children:a("tbody",{children:c.items.map(h=>a("tr",{children:[a("td",{children:h.name}),a("td",{children:[h.value," ",h.unit??""," ",h.flag==="NORMAL"?"":r.flags[h.flag]??h.flag]}),a("td",{class:"muted",children:h.referenceRange??""})]},h.name))})})]}):i?i.length?a("ul",{class:"list reports",children:i.map(h=>a("li",{children:a("button",{class:"row",onClick:()=>f(h.id),children:[a("span",{children:h.title}),a("small",{class:"muted",children:ce(h.issuedAt)})]})},h.id))}):a("p",{class:"muted",children:r.noReports}):a("p",{class:"muted",children:r.loading})}function qn({onVerified:e}){const{session:t,t:n}=X(),[r,i]=k(""),[o,c]=k(""),[d,m]=k(""),[l,f]=k(null),[h,s]=k(!1),p=async N=>{N.preventDefault(),s(!0),f(null);try{const{verifyIdentity:u}=await F(t,hn,{input:{name:r.trim(),idNumber:o.trim(),phone:d.trim()}});u.__typename==="VerifyIdentitySuccess"?e():"message"in u&&f(u.message)}catch(u){f(u.message)}finally{s(!1)}},y=(N,u,_,g)=>a("label",{class:"field",children:[a("span",{children:N}),a("input",{value:u,inputMode:g,required:!0,onInput:w=>_(w.target.value)})]});return a("form",{class:"card",onSubmit:p,children:[a("h2",{children:n.verifyTitle}),a("p",{class:"muted",children:n.verifyIntro}),y(n.name,r,i,"text"),y(n.idNumber,o,c,"text"),y(n.phone,d,m,"tel"),l&&a("p",{class:"error",role:"alert",children:l}),a("button",{class:"primary",type:"submit",disabled:h,children:n.verify})]})}const at="hospital-h5:language";function Gn(){const e=new URLSearchParams(window.location.search).get("order");return e?{name:"order",id:e}:{name:"book"}}function zn(){const[e,t]=k(window.localStorage.getItem(at)??"zh-CN"),[n,r]=k(Jt()),[i,o]=k(null),[c,d]=k(null),[m,l]=k(!0),[f,h]=k(Gn()),[s,p]=k(null),[y,N]=k(0),u=Et[e],_=qt(()=>({token:n,language:e}),[n,e]);z(()=>{document.documentElement.lang=e,document.title=u.title,window.localStorage.setItem(at,e)},[e]),z(()=>{const A=en();if(A!==null){if("mismatch"in A){d(u.signInStateMismatch);return}l(!0),F({token:null,language:e},fn,{code:A.code}).then(({signIn:I})=>{I.__typename==="SignInSuccess"?(Ae(I.token),r(I.token)):"message"in I&&d(I.message)}).catch(I=>d(I.message)).finally(()=>l(!1))}},[]);const g=()=>{if(!n){l(!1);return}l(!0),F(_,yn,{}).then(({me:A})=>{o(A),A&&A.patients.length&&!A.patients.some(I=>I.id===s)&&p(A.patients[0].id)}).catch(A=>{A.code==="UNAUTHENTICATED"?(Ae(null),r(null)):d(A.message)}).finally(()=>l(!1))};z(g,[n]);const w=()=>{Ae(null),r(null),o(null)};let R;if(m&&!i)R=a("p",{class:"muted",children:u.loading});else if(!n||!i)R=a("section",{class:"card",children:[a("p",{children:u.signInIntro}),a("button",{class:"primary",onClick:Zt,children:u.signInWechat})]});else if(!i.verified)R=a(qn,{onVerified:g});else{const A=i.patients;R=a(le,{children:[a("label",{class:"patient",children:[u.patient," ",a("select",{value:s??"",onChange:I=>p(I.target.value),children:A.map(I=>a("option",{value:I.id,children:I.name},I.id))})]}),a("nav",{class:"tabs",children:[a("button",{class:f.name==="book"?"active":"",onClick:()=>h({name:"book"}),children:u.departments}),a("button",{class:f.name==="orders"||f.name==="order"?"active":"",onClick:()=>h({name:"orders"}),children:u.myOrders}),a("button",{class:f.name==="bills"?"active":"",onClick:()=>h({name:"bills"}),children:u.bills}),a("button",{class:f.name==="reports"?"active":"",onClick:()=>h({name:"reports"}),children:u.reports}),a("button",{class:f.name==="family"?"active":"",onClick:()=>h({name:"family"}),children:u.family})]}),f.name==="book"&&s&&a(Dn,{patientId:s,onBooked:I=>h({name:"order",id:I})}),f.name==="orders"&&a(Hn,{patientId:s,onOpen:I=>h({name:"order",id:I})}),f.name==="bills"&&s&&a(On,{patientId:s,onOrder:I=>h({name:"order",id:I})}),f.name==="reports"&&s&&a(Wn,{patientId:s,refresh:y}),f.name==="family"&&a(Rn,{patients:A,onBound:g}),f.name==="order"&&a(Mn,{id:f.id,onBack:()=>h({name:"orders"})}),a(Bn,{onNotice:()=>N(I=>I+1)})]})}return a(Pt.Provider,{value:{session:_,language:e},children:[a("header",{children:[a("h1",{children:u.title}),a("span",{class:"spacer"}),i&&a("button",{class:"link",onClick:w,children:u.signOut}),a("button",{class:"link",lang:e==="en"?"zh-CN":"en",onClick:()=>t(e==="en"?"zh-CN":"en"),children:u.switchLanguage})]}),a("main",{children:[c&&a("p",{class:"error",role:"alert",children:c}),R]})]})}Lt(a(zn,{}),document.getElementById("app"));
