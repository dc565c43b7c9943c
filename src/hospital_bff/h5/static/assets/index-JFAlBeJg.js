var $t=Object.defineProperty;var Tt=(e,t,n)=>t in e?$t(e,t,{enumerable:!0,configurable:!0,writable:!0,value:n}):e[t]=n;var G=(e,t,n)=>Tt(e,typeof t!="symbol"?t+"":t,n);(function(){const t=document.createElement("link").relList;if(t&&t.supports&&t.supports("modulepreload"))return;for(const o of document.querySelectorAll('link[rel="modulepreload"]'))r(o);new MutationObserver(o=>{for(const i of o)if(i.type==="childList")for(const c of i.addedNodes)c.tagName==="LINK"&&c.rel==="modulepreload"&&r(c)}).observe(document,{childList:!0,subtree:!0});function n(o){const i={};return o.integrity&&(i.integrity=o.integrity),o.referrerPolicy&&(i.referrerPolicy=o.referrerPolicy),o.crossOrigin==="use-credentials"?i.credentials="include":o.crossOrigin==="anonymous"?i.credentials="omit":i.credentials="same-origin",i}function r(o){if(o.ep)return;o.ep=!0;const i=n(o);fetch(o.href,i)}})();var be,P,ct,Y,Ge,lt,dt,ke,ue,se,ut,Re,Ee,xe,pt,fe={},he=[],Ot=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,we=Array.isArray;function j(e,t){for(var n in t)e[n]=t[n];return e}function Ue(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Dt(e,t,n){var r,o,i,c={};for(i in t)i=="key"?r=t[i]:i=="ref"?o=t[i]:c[i]=t[i];if(arguments.length>2&&(c.children=arguments.length>3?be.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(i in e.defaultProps)c[i]===void 0&&(c[i]=e.defaultProps[i]);return pe(e,c,r,o,null)}function pe(e,t,n,r,o){var i={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:o??++ct,__i:-1,__u:0};return o==null&&P.vnode!=null&&P.vnode(i),i}function ce(e){return e.children}function _e(e,t){this.props=e,this.context=t}function X(e,t){if(t==null)return e.__?X(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?X(e):null}function Ct(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,r=[],o=[],i=j({},t);i.__v=t.__v+1,P.vnode&&P.vnode(i),Fe(e.__P,i,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,r,n??X(t),!!(32&t.__u),o),i.__v=t.__v,i.__.__k[i.__i]=i,gt(r,i,o),t.__e=t.__=null,i.__e!=n&&_t(i)}}function _t(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),_t(e)}function Pe(e){(!e.__d&&(e.__d=!0)&&Y.push(e)&&!ge.__r++||Ge!=P.debounceRendering)&&((Ge=P.debounceRendering)||lt)(ge)}function ge(){try{for(var e,t=1;Y.length;)Y.length>t&&Y.sort(dt),e=Y.shift(),t=Y.length,Ct(e)}finally{Y.length=ge.__r=0}}function mt(e,t,n,r,o,i,c,d,p,l,m){var g,s,f,y,N,u,_=r&&r.__k||he,h=t.length;for(p=Rt(n,t,_,p,h),g=0;g<h;g++)(f=n.__k[g])!=null&&(s=f.__i!=-1&&_[f.__i]||fe,f.__i=g,u=Fe(e,f,s,o,i,c,d,p,l,m),y=f.__e,f.ref&&s.ref!=f.ref&&(s.ref&&Le(s.ref,null,f),m.push(f.ref,f.__c||y,f)),N==null&&y!=null&&(N=y),4&f.__u?(p=ft(f,p,e),s.__e&&(s.__e=null)):typeof f.type=="function"&&u!==void 0?p=u:y&&(p=y.nextSibling),f.__u&=-7);return n.__e=N,p}function Rt(e,t,n,r,o){var i,c,d,p,l,m=n.length,g=m,s=0;for(e.__k=new Array(o),i=0;i<o;i++)(c=t[i])!=null&&typeof c!="boolean"&&typeof c!="function"?(typeof c=="string"||typeof c=="number"||typeof c=="bigint"||c.constructor==String?c=e.__k[i]=pe(null,c,null,null,null):we(c)?c=e.__k[i]=pe(ce,{children:c},null,null,null):c.constructor===void 0&&c.__b>0?c=e.__k[i]=pe(c.type,c.props,c.key,c.ref?c.ref:null,c.__v):e.__k[i]=c,p=i+s,c.__=e,c.__b=e.__b+1,d=null,(l=c.__i=Ut(c,n,p,g))!=-1&&(g--,(d=n[l])&&(d.__u|=2)),d==null||d.__v==null?(l==-1&&(o>m?s--:o<m&&s++),typeof c.type!="function"&&(c.__u|=4)):l!=p&&(l==p-1?s--:l==p+1?s++:(l>p?s--:s++,c.__u|=4))):e.__k[i]=null;if(g)for(i=0;i<m;i++)(d=n[i])!=null&&(2&d.__u)==0&&(d.__e==r&&(r=X(d)),bt(d,d));return r}function ft(e,t,n){var r,o;if(typeof e.type=="function"){for(r=e.__k,o=0;r&&o<r.length;o++)r[o]&&(r[o].__=e,t=ft(r[o],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=X(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Ut(e,t,n,r){var o,i,c,d=e.key,p=e.type,l=t[n],m=l!=null&&(2&l.__u)==0;if(l===null&&d==null||m&&d==l.key&&p==l.type)return n;if(r>(m?1:0)){for(o=n-1,i=n+1;o>=0||i<t.length;)if((l=t[c=o>=0?o--:i++])!=null&&(2&l.__u)==0&&d==l.key&&p==l.type)return c}return-1}function ze(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Ot.test(t)?n:n+"px"}function de(e,t,n,r,o){var i,c;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||ze(e.style,t,"");if(n)for(t in n)r&&n[t]==r[t]||ze(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")i=t!=(t=t.replace(ut,"$1")),c=t.toLowerCase(),t=c in e||t=="onFocusOut"||t=="onFocusIn"?c.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+i]=n,n?r?n[se]=r[se]:(n[se]=Re,e.addEventListener(t,i?xe:Ee,i)):e.removeEventListener(t,i?xe:Ee,i);else{if(o=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function Ve(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[ue]==null)t[ue]=Re++;else if(t[ue]<n[se])return;return n(P.event?P.event(t):t)}}}function Fe(e,t,n,r,o,i,c,d,p,l){var m,g,s,f,y,N,u,_,h,w,R,S,I,ee,q,Q,M=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(p=!!(32&n.__u),i=[d=t.__e=n.__e]),(m=P.__b)&&m(t);e:if(typeof M=="function"){g=c.length;try{if(h=t.props,w=M.prototype&&M.prototype.render,R=(m=M.contextType)&&r[m.__c],S=m?R?R.props.value:m.__:r,n.__c?_=(s=t.__c=n.__c).__=s.__E:(w?t.__c=s=new M(h,S):(t.__c=s=new _e(h,S),s.constructor=M,s.render=Lt),R&&R.sub(s),s.state||(s.state={}),s.__n=r,f=s.__d=!0,s.__h=[],s._sb=[]),w&&s.__s==null&&(s.__s=s.state),w&&M.getDerivedStateFromProps!=null&&(s.__s==s.state&&(s.__s=j({},s.__s)),j(s.__s,M.getDerivedStateFromProps(h,s.__s))),y=s.props,N=s.state,s.__v=t,f)w&&M.getDerivedStateFromProps==null&&s.componentWillMount!=null&&s.componentWillMount(),w&&s.componentDidMount!=null&&s.__h.push(s.componentDidMount);else{if(w&&M.getDerivedStateFromProps==null&&h!==y&&s.componentWillReceiveProps!=null&&s.componentWillReceiveProps(h,S),t.__v==n.__v||!s.__e&&s.shouldComponentUpdate!=null&&s.shouldComponentUpdate(h,s.__s,S)===!1){t.__v!=n.__v&&(s.props=h,s.state=s.__s,s.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(z){z&&(z.__=t)}),he.push.apply(s.__h,s._sb),s._sb=[],s.__h.length&&c.push(s),d=X(n);break e}s.componentWillUpdate!=null&&s.componentWillUpdate(h,s.__s,S),w&&s.componentDidUpdate!=null&&s.__h.push(function(){s.componentDidUpdate(y,N,u)})}if(s.context=S,s.props=h,s.__P=e,s.__e=!1,I=P.__r,ee=0,w)s.state=s.__s,s.__d=!1,I&&I(t),m=s.render(s.props,s.state,s.context),he.push.apply(s.__h,s._sb),s._sb=[];else do s.__d=!1,I&&I(t),m=s.render(s.props,s.state,s.context),s.state=s.__s;while(s.__d&&++ee<25);s.state=s.__s,s.getChildContext!=null&&(r=j(j({},r),s.getChildContext())),w&&!f&&s.getSnapshotBeforeUpdate!=null&&(u=s.getSnapshotBeforeUpdate(y,N)),q=m!=null&&m.type===ce&&m.key==null?yt(m.props.children):m,d=mt(e,we(q)?q:[q],t,n,r,o,i,c,d,p,l),s.base=t.__e,t.__u&=-161,s.__h.length&&c.push(s),_&&(s.__E=s.__=null)}catch(z){if(c.length=g,t.__v=null,p||i!=null){if(z.then){for(t.__u|=p?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;i!=null&&(i[i.indexOf(d)]=null),t.__e=d}else if(i!=null)for(Q=i.length;Q--;)Ue(i[Q])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),z.then||ht(t),P.__e(z,t,n)}}else i==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):d=t.__e=Ft(n.__e,t,n,r,o,i,c,p,l);return(m=P.diffed)&&m(t),128&t.__u?void 0:d}function ht(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(ht))}function gt(e,t,n){for(var r=0;r<n.length;r++)Le(n[r],n[++r],n[++r]);P.__c&&P.__c(t,e),e.some(function(o){try{e=o.__h,o.__h=[],e.some(function(i){i.call(o)})}catch(i){P.__e(i,o.__v)}})}function yt(e){return typeof e!="object"||e==null||e.__b>0?e:we(e)?e.map(yt):e.constructor!==void 0?null:j({},e)}function Ft(e,t,n,r,o,i,c,d,p){var l,m,g,s,f,y,N,u=n.props||fe,_=t.props,h=t.type;if(h=="svg"?o="http://www.w3.org/2000/svg":h=="math"?o="http://www.w3.org/1998/Math/MathML":o||(o="http://www.w3.org/1999/xhtml"),i!=null){for(l=0;l<i.length;l++)if((f=i[l])&&"setAttribute"in f==!!h&&(h?f.localName==h:f.nodeType==3)){e=f,i[l]=null;break}}if(e==null){if(h==null)return document.createTextNode(_);e=document.createElementNS(o,h,_.is&&_),d&&(P.__m&&P.__m(t,i),d=!1),i=null}if(h==null)u===_||d&&e.data==_||(e.data=_);else{if(i=h=="textarea"&&_.defaultValue!=null?null:i&&be.call(e.childNodes),!d&&i!=null)for(u={},l=0;l<e.attributes.length;l++)u[(f=e.attributes[l]).name]=f.value;for(l in u)f=u[l],l=="dangerouslySetInnerHTML"?g=f:l=="children"||l in _||l=="value"&&"defaultValue"in _||l=="checked"&&"defaultChecked"in _||de(e,l,null,f,o);for(l in _)f=_[l],l=="children"?s=f:l=="dangerouslySetInnerHTML"?m=f:l=="value"?y=f:l=="checked"?N=f:d&&typeof f!="function"||u[l]===f||de(e,l,f,u[l],o);if(m)d||g&&(m.__html==g.__html||m.__html==e.innerHTML)||(e.innerHTML=m.__html),t.__k=[];else if(g&&(e.innerHTML=""),mt(t.type=="template"?e.content:e,we(s)?s:[s],t,n,r,h=="foreignObject"?"http://www.w3.org/1999/xhtml":o,i,c,i?i[0]:n.__k&&X(n,0),d,p),i!=null)for(l=i.length;l--;)Ue(i[l]);d&&h!="textarea"||(l="value",h=="progress"&&y==null?e.removeAttribute("value"):y!=null&&(y!==e[l]||h=="progress"&&!y||h=="option"&&y!=u[l])&&de(e,l,y,u[l],o),l="checked",N!=null&&N!=e[l]&&de(e,l,N,u[l],o))}return e}function Le(e,t,n){try{if(typeof e=="function"){var r=typeof e.__u=="function";r&&e.__u(),r&&t==null||(e.__u=e(t))}else e.current=t}catch(o){P.__e(o,n)}}function bt(e,t,n){var r,o;if(P.unmount&&P.unmount(e),(r=e.ref)&&(r.current&&r.current!=e.__e||Le(r,null,t)),(r=e.__c)!=null){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(i){P.__e(i,t)}r.base=r.__P=r.__n=null}if(r=e.__k)for(o=0;o<r.length;o++)r[o]&&bt(r[o],t,n||typeof e.type!="function");n||Ue(e.__e),e.__c=e.__=e.__e=void 0}function Lt(e,t,n){return this.constructor(e,n)}function Mt(e,t,n){var r,o,i,c;t==document&&(t=document.documentElement),P.__&&P.__(e,t),o=(r=!1)?null:t.__k,i=[],c=[],Fe(t,e=t.__k=Dt(ce,null,[e]),o||fe,fe,t.namespaceURI,o?null:t.firstChild?be.call(t.childNodes):null,i,o?o.__e:t.firstChild,r,c),gt(i,e,c),e.props.children=null}function Bt(e){function t(n){var r,o;return this.getChildContext||(r=new Set,(o={})[t.__c]=this,this.getChildContext=function(){return o},this.componentWillUnmount=function(){r=null},this.shouldComponentUpdate=function(i){this.props.value!=i.value&&r.forEach(function(c){c.__e=!0,Pe(c)})},this.sub=function(i){r.add(i);var c=i.componentWillUnmount;i.componentWillUnmount=function(){r&&r.delete(i),c&&c.call(i)}}),n.children}return t.__c="__cC"+pt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,r){return n.children(r)}).contextType=t,t}be=he.slice,P={__e:function(e,t,n,r){for(var o,i,c;t=t.__;)if((o=t.__c)&&!o.__)try{if((i=o.constructor)&&i.getDerivedStateFromError!=null&&(o.setState(i.getDerivedStateFromError(e)),c=o.__d),o.componentDidCatch!=null&&(o.componentDidCatch(e,r||{}),c=o.__d),c)return o.__E=o}catch(d){e=d}throw e}},ct=0,_e.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=j({},this.state),typeof e=="function"&&(e=e(j({},n),this.props)),e&&j(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),Pe(this))},_e.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),Pe(this))},_e.prototype.render=ce,Y=[],lt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,dt=function(e,t){return e.__v.__b-t.__v.__b},ge.__r=0,ke=Math.random().toString(8),ue="__d"+ke,se="__a"+ke,ut=/(PointerCapture)$|Capture$/i,Re=0,Ee=Ve(!1),xe=Ve(!0),pt=0;var Ht=0;function a(e,t,n,r,o,i){t||(t={});var c,d,p=t;if("ref"in p)for(d in p={},t)d=="ref"?c=t[d]:p[d]=t[d];var l={type:e,props:p,key:n,ref:c,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Ht,__i:-1,__u:0,__source:o,__self:i};if(typeof e=="function"&&(c=e.defaultProps))for(d in c)p[d]===void 0&&(p[d]=c[d]);return P.vnode&&P.vnode(l),l}var re,T,Se,je,$e=0,wt=[],C=P,Ke=C.__b,Qe=C.__r,Ye=C.diffed,Je=C.__c,Xe=C.unmount,Ze=C.__;function Ie(e,t){C.__h&&C.__h(T,e,$e||t),$e=0;var n=T.__H||(T.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function A(e){return $e=1,Wt(kt,e)}function Wt(e,t,n){var r=Ie(re++,2);if(r.t=e,!r.__c&&(r.__=[kt(void 0,t),function(d){var p=r.__N?r.__N[0]:r.__[0],l=r.t(p,d);p!==l&&(r.__N=[l,r.__[1]],r.__c.setState({}))}],r.__c=T,!T.__f)){var o=function(d,p,l){if(!r.__c.__H)return!0;var m=!1,g=r.__c.props!==d;if(r.__c.__H.__.some(function(f){if(f.__N){m=!0;var y=f.__[0];f.__=f.__N,f.__N=void 0,y!==f.__[0]&&(g=!0)}}),i){var s=i.call(this,d,p,l);return m?s||g:s}return!m||g};T.__f=!0;var i=T.shouldComponentUpdate,c=T.componentWillUpdate;T.componentWillUpdate=function(d,p,l){if(this.__e){var m=i;i=void 0,o(d,p,l),i=m}c&&c.call(this,d,p,l)},T.shouldComponentUpdate=o}return r.__N||r.__}function K(e,t){var n=Ie(re++,3);!C.__s&&It(n.__H,t)&&(n.__=e,n.u=t,T.__H.__h.push(n))}function qt(e,t){var n=Ie(re++,7);return It(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Gt(e){var t=T.context[e.__c],n=Ie(re++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub(T)),t.props.value):e.__}function zt(){for(var e;e=wt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(me),t.__h.some(Te),t.__h=[]}catch(n){t.__h=[],C.__e(n,e.__v)}}}C.__b=function(e){T=null,Ke&&Ke(e)},C.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Ze&&Ze(e,t)},C.__r=function(e){Qe&&Qe(e),re=0;var t=(T=e.__c).__H;t&&(Se===T?(t.__h=[],T.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(me),t.__h.some(Te),t.__h=[],re=0)),Se=T},C.diffed=function(e){Ye&&Ye(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(wt.push(t)!==1&&je===C.requestAnimationFrame||((je=C.requestAnimationFrame)||Vt)(zt)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),Se=T=null},C.__c=function(e,t){t.some(function(n){try{n.__h.some(me),n.__h=n.__h.filter(function(r){return!r.__||Te(r)})}catch(r){t.some(function(o){o.__h&&(o.__h=[])}),t=[],C.__e(r,n.__v)}}),Je&&Je(e,t)},C.unmount=function(e){Xe&&Xe(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{me(r)}catch(o){t=o}}),n.__H=void 0,t&&C.__e(t,n.__v))};var et=typeof requestAnimationFrame=="function";function Vt(e){var t,n=function(){clearTimeout(r),et&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);et&&(t=requestAnimationFrame(n))}function me(e){var t=T,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),T=t}function Te(e){var t=T;e.__c=e.__(),T=t}function It(e,t){return!e||e.length!==t.length||t.some(function(n,r){return n!==e[r]})}function kt(e,t){return typeof t=="function"?t(e):t}const jt={},Me=jt;function St(e){return new URL(e,window.location.href).toString()}const At=St(Me.VITE_GRAPHQL_URL??"/graphql"),Kt=At.replace(/^http/,"ws"),Qt=St(Me.VITE_WECHAT_AUTHORIZE_URL??"/sim/wechat/connect/oauth2/authorize"),Yt=Me.VITE_WECHAT_APP_ID??"wx-hospital-demo",Oe="hospital-h5:sign-in-state",De="hospital-h5:token";function Jt(){return window.sessionStorage.getItem(De)}function Ae(e){e?window.sessionStorage.setItem(De,e):window.sessionStorage.removeItem(De)}function Xt(){const e=crypto.getRandomValues(new Uint8Array(16));return Array.from(e,t=>t.toString(16).padStart(2,"0")).join("")}function Be(){return window.location.origin+window.location.pathname}function Zt(){const e=Xt();window.sessionStorage.setItem(Oe,e);const t=new URL(Qt);t.search=new URLSearchParams({appid:Yt,redirect_uri:Be(),response_type:"code",scope:"snsapi_base",state:e}).toString(),t.hash="wechat_redirect",window.location.assign(t.toString())}function en(){const e=new URLSearchParams(window.location.search),t=e.get("code");if(!t)return null;const n=e.get("state"),r=window.sessionStorage.getItem(Oe);window.sessionStorage.removeItem(Oe),e.delete("code"),e.delete("state");const o=e.toString();return window.history.replaceState(null,"",Be()+(o?`?${o}`:"")),r!==null&&r===n?{code:t}:{mismatch:!0}}function L(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function J(e){return L(e)==="object"}function tn(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function tt(e,t){return e.length<124?e:t}const nn="graphql-transport-ws";var H=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(H||{}),W=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(W||{});function Nt(e){if(!J(e))throw new Error(`Message is expected to be an object, but got ${L(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${L(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${L(e.payload.query)}`);if(e.payload.variables!=null&&!J(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${L(e.payload.variables)}`);if(e.payload.operationName!=null&&L(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${L(e.payload.operationName)}`);if(e.payload.extensions!=null&&!J(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${L(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!tn(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function rn(e,t){return Nt(typeof e=="string"?JSON.parse(e,t):e)}function oe(e,t){return Nt(e),JSON.stringify(e,t)}function on(e){const{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:o=console.error,lazyCloseTimeout:i=0,keepAlive:c=0,disablePong:d,connectionAckWaitTimeout:p=0,retryAttempts:l=5,retryWait:m=async function($){const b=Math.pow(2,$);await new Promise(E=>setTimeout(E,b*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:g=Ne,on:s,webSocketImpl:f,generateID:y=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,$=>{const b=Math.random()*16|0;return($=="x"?b:b&3|8).toString(16)})},jsonMessageReplacer:N,jsonMessageReviver:u}=e;let _;if(f){if(!an(f))throw new Error("Invalid WebSocket implementation provided");_=f}else typeof WebSocket<"u"?_=WebSocket:typeof global<"u"?_=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");const h=_,w=(()=>{const k=(()=>{const b={};return{on(E,O){return b[E]=O,()=>{delete b[E]}},emit(E){"id"in E&&b[E.id]?.(E)}}})(),$={connecting:s?.connecting?[s.connecting]:[],opened:s?.opened?[s.opened]:[],connected:s?.connected?[s.connected]:[],ping:s?.ping?[s.ping]:[],pong:s?.pong?[s.pong]:[],message:s?.message?[k.emit,s.message]:[k.emit],closed:s?.closed?[s.closed]:[],error:s?.error?[s.error]:[]};return{onMessage:k.on,on(b,E){const O=$[b];return O.push(E),()=>{const D=O.indexOf(E);D>-1&&O.splice(D,1)}},emit(b,...E){for(const O of[...$[b]])O(...E)}}})();function R(k){const $=[w.on("error",b=>{$.forEach(E=>E()),k(b)}),w.on("closed",b=>{$.forEach(E=>E()),k(b)})];return()=>$.forEach(b=>b())}let S,I=0,ee,q=!1,Q=0,M=!1;async function z(){clearTimeout(ee);const[k,$]=await(S??(S=new Promise((O,D)=>(async()=>{if(q){if(await m(Q),!I)return S=void 0,D({code:1e3,reason:"All Subscriptions Gone"});Q++}w.emit("connecting",q);const v=new h(typeof t=="function"?await t():t,nn);let V,te;function le(){isFinite(c)&&c>0&&(clearTimeout(te),te=setTimeout(()=>{v.readyState===h.OPEN&&(v.send(oe({type:W.Ping})),w.emit("ping",!1,void 0))},c))}R(F=>{S=void 0,clearTimeout(V),clearTimeout(te),D(F),F instanceof nt&&(v.close(4499,"Terminated"),v.onerror=null,v.onclose=null)}),v.onerror=F=>w.emit("error",F),v.onclose=F=>w.emit("closed",F),v.onopen=async()=>{try{w.emit("opened",v);const F=typeof n=="function"?await n():n;if(v.readyState!==h.OPEN)return;v.send(oe(F?{type:W.ConnectionInit,payload:F}:{type:W.ConnectionInit},N)),isFinite(p)&&p>0&&(V=setTimeout(()=>{v.close(H.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},p)),le()}catch(F){w.emit("error",F),v.close(H.InternalClientError,tt(F instanceof Error?F.message:String(F),"Internal client error"))}};let ne=!1;v.onmessage=({data:F})=>{try{const U=rn(F,u);if(w.emit("message",U),U.type==="ping"||U.type==="pong"){w.emit(U.type,!0,U.payload),U.type==="pong"?le():d||(v.send(oe(U.payload?{type:W.Pong,payload:U.payload}:{type:W.Pong},N)),w.emit("pong",!1,U.payload));return}if(ne)return;if(U.type!==W.ConnectionAck)throw new Error(`First message cannot be of type ${U.type}`);clearTimeout(V),ne=!0,w.emit("connected",v,U.payload,q),q=!1,Q=0;const qe=new Promise((qn,Pt)=>R(Pt));qe.catch(()=>{}),O([v,qe])}catch(U){v.onmessage=null,w.emit("error",U),v.close(H.BadResponse,tt(U instanceof Error?U.message:String(U),"Bad response"))}}})())));k.readyState===h.CLOSING&&await $;let b=()=>{};const E=new Promise(O=>b=O);return[k,b,new Promise((O,D)=>{const v=R(D);k.readyState!==h.OPEN&&$.catch(D),E.then(()=>{if(v(),!I){const V=()=>k.close(1e3,"Normal Closure");isFinite(i)&&i>0?(clearTimeout(ee),ee=setTimeout(()=>{!I&&k.readyState===h.OPEN&&V()},i)):V()}O()})})]}function He(k){if(Ne(k)&&(sn(k.code)||[H.InternalServerError,H.InternalClientError,H.BadRequest,H.BadResponse,H.Unauthorized,H.SubprotocolNotAcceptable,H.SubscriberAlreadyExists,H.TooManyInitialisationRequests].includes(k.code)))throw k;if(M)return!1;if(Ne(k)&&k.code===1e3)return I>0;if(!l||Q>=l||!g(k))throw k;return q=!0}r||(async()=>{for(I++;;)try{const[,,k]=await z();await k}catch(k){try{if(!He(k))return}catch($){return o?.($)}}})();function We(k,$){const b=y(k);let E=!1,O=!1,D=()=>{I--,E=!0};return(async()=>{for(I++;;)try{const[v,V,te]=await z();if(E)return te.catch(()=>{}),V();const le=w.onMessage(b,ne=>{switch(ne.type){case W.Next:{$.next(ne.payload);return}case W.Error:{O=!0,E=!0,$.error(ne.payload),D();return}case W.Complete:{E=!0,D();return}}});v.send(oe({id:b,type:W.Subscribe,payload:k},N)),D=()=>{!E&&v.readyState===h.OPEN&&v.send(oe({id:b,type:W.Complete},N)),I--,E=!0,V()},await te.finally(le);return}catch(v){if(!He(v))return}})().then(()=>{O||$.complete()}).catch(v=>{$.error(v)}),()=>{E||D()}}return{on:w.on,subscribe:We,iterate(k){const $=[],b={done:!1,error:null,resolve:()=>{}},E=We(k,{next(D){$.push(D),b.resolve()},error(D){b.done=!0,b.error=D,b.resolve()},complete(){b.done=!0,b.resolve()}}),O=(async function*(){for(;;){for($.length||await new Promise(v=>b.resolve=v);$.length;)yield $.shift();if(b.error)throw b.error;if(b.done)return}})();return O.throw=async D=>(b.done||(b.done=!0,b.error=D,b.resolve()),{done:!0,value:void 0}),O.return=async()=>(E(),{done:!0,value:void 0}),O},async dispose(){if(M=!0,S){const[k]=await S;k.close(1e3,"Normal Closure")}},terminate(){S&&w.emit("closed",new nt)}}}class nt extends Error{constructor(){super(...arguments);G(this,"name","TerminatedCloseEvent");G(this,"message","4499: Terminated");G(this,"code",4499);G(this,"reason","Terminated");G(this,"wasClean",!1)}}function Ne(e){return J(e)&&"code"in e&&"reason"in e}function sn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function an(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}class Ce extends Error{constructor(n,r){super(n);G(this,"code");this.code=r}}const cn="PERSISTED_QUERY_NOT_FOUND",rt=new Map;async function ln(e){if(!globalThis.crypto?.subtle)return null;const t=await crypto.subtle.digest("SHA-256",new TextEncoder().encode(e));return Array.from(new Uint8Array(t),n=>n.toString(16).padStart(2,"0")).join("")}async function dn(e){const t=rt.get(e);if(t)return t;const n=await ln(e);return n&&rt.set(e,n),n}function un(e){const t={"content-type":"application/json",accept:"application/graphql-response+json, application/json","accept-language":e.language};return e.token&&(t.authorization=`Bearer ${e.token}`),t}async function ve(e,t){const n=await fetch(At,{method:"POST",headers:un(e),body:JSON.stringify(t)});if(!(n.headers.get("content-type")??"").includes("json"))throw new Ce(`HTTP ${n.status}`,null);return await n.json()}function ot(e){return e.errors?.[0]?.extensions?.code??null}async function B(e,t,n){const r=t.toString(),o=await dn(r);let i;if(o){const c={version:1,sha256Hash:o};i=await ve(e,{variables:n,extensions:{persistedQuery:c}}),ot(i)===cn&&(i=await ve(e,{query:r,variables:n,extensions:{persistedQuery:c}}))}else i=await ve(e,{query:r,variables:n});if(i.errors?.length)throw new Ce(i.errors[0].message,ot(i));if(!i.data)throw new Ce("no data",null);return i.data}let ie=null;function pn(e){if(ie&&ie.token===e.token)return ie.client;ie?.client.dispose();const t=e.token,n=on({url:Kt,connectionParams:t?{Authorization:`Bearer ${t}`}:{},lazy:!0,retryAttempts:5});return ie={client:n,token:t},n}function vt(e,t,n,r){return pn(e).subscribe({query:t.toString(),variables:n},{next:o=>{o.data&&r(o.data)},error:()=>{},complete:()=>{}})}const _n={title:"门诊挂号",switchLanguage:"English",signInWechat:"微信授权登录",signInIntro:"通过微信公众号授权登录后挂号、缴费、查看报告。",signingIn:"正在登录…",signInStateMismatch:"登录链接已失效，请重新登录",signOut:"退出",verifyTitle:"实名认证",verifyIntro:"首次使用请填写就诊人身份信息（与医院登记一致）。",name:"姓名",idNumber:"身份证号",phone:"手机号",verify:"认证",patient:"就诊人",departments:"科室",myOrders:"我的挂号",back:"返回",noSchedules:"近 7 天无排班",remaining:"余号",fee:"挂号费",eligible:"可预约",full:"已约满",ended:"本时段已结束",book:"预约",confirmBook:"确认预约",order:"订单",status:"状态",amount:"金额",payNow:"去支付",paying:"正在等待支付结果…",ticket:"就诊凭条",ticketNumber:"序号",suggestedArrival:"建议到院时间",location:"就诊地点",cancel:"取消预约",confirmCancel:"确认取消预约？已付款项将原路退回。",refund:"退款",refundMode:"退款方式",refundBy:"预计到账",refundStatus:"退款状态",noOrders:"暂无挂号记录",loading:"加载中…",live:"实时通知",family:"就诊人",reports:"报告",noReports:"暂无报告",flags:{HIGH:"↑ 偏高",LOW:"↓ 偏低",ABNORMAL:"异常",CRITICAL:"危急"},bindTitle:"添加就诊人",bind:"添加",relation:"关系",relations:{SELF:"本人",CHILD:"子女",PARENT:"父母",SPOUSE:"配偶",OTHER:"其他"},period:{MORNING:"上午",AFTERNOON:"下午",EVENING:"夜间"},orderStatus:{AWAITING_PAYMENT:"待支付",PAID:"已支付，医院确认中",CONFIRMED:"已预约",EXPIRED:"已过期",CANCELLED:"已取消",FAILED:"医院未能确认，将退款",COMPLETED:"已就诊"},refundModes:{REVERSAL:"当日冲正，即时到账",REFUND:"原路退款，即时到账",BATCH:"次日批量退款，7 日内到账"},refundStatuses:{PENDING:"待退款",PROCESSING:"退款中",SUCCEEDED:"已退款",FAILED:"退款失败，请联系医院"}},mn={title:"Outpatient booking",switchLanguage:"中文",signInWechat:"Sign in with WeChat",signInIntro:"Sign in through the official account to book, pay and read reports.",signingIn:"Signing in…",signInStateMismatch:"This sign-in link has expired; please sign in again",signOut:"Sign out",verifyTitle:"Verify your identity",verifyIntro:"First time here: enter the patient's details as the hospital records them.",name:"Name",idNumber:"ID number",phone:"Mobile",verify:"Verify",patient:"Patient",departments:"Departments",myOrders:"My bookings",back:"Back",noSchedules:"No clinics in the next 7 days",remaining:"Left",fee:"Fee",eligible:"Bookable",full:"Full",ended:"This clinic is over",book:"Book",confirmBook:"Confirm booking",order:"Order",status:"Status",amount:"Amount",payNow:"Pay",paying:"Waiting for the payment…",ticket:"Ticket",ticketNumber:"Number",suggestedArrival:"Suggested arrival",location:"Where",cancel:"Cancel booking",confirmCancel:"Cancel this booking? The money goes back the way it came.",refund:"Refund",refundMode:"Refund mode",refundBy:"Expected by",refundStatus:"Refund status",noOrders:"No bookings yet",loading:"Loading…",live:"Live notices",family:"Patients",reports:"Reports",noReports:"No reports yet",flags:{HIGH:"↑ high",LOW:"↓ low",ABNORMAL:"abnormal",CRITICAL:"critical"},bindTitle:"Add a family member",bind:"Add",relation:"Relation",relations:{SELF:"Self",CHILD:"Child",PARENT:"Parent",SPOUSE:"Spouse",OTHER:"Other"},period:{MORNING:"Morning",AFTERNOON:"Afternoon",EVENING:"Evening"},orderStatus:{AWAITING_PAYMENT:"Awaiting payment",PAID:"Paid, the hospital is confirming",CONFIRMED:"Booked",EXPIRED:"Expired",CANCELLED:"Cancelled",FAILED:"Not confirmed by the hospital; refunding",COMPLETED:"Attended"},refundModes:{REVERSAL:"Same-day reversal: back at once",REFUND:"Refund to the payer: back at once",BATCH:"Next-day batch: back within 7 days"},refundStatuses:{PENDING:"Pending",PROCESSING:"Processing",SUCCEEDED:"Refunded",FAILED:"Failed: please contact the hospital"}},Et={"zh-CN":_n,en:mn};function ae(e){return`¥${(e/100).toFixed(2)}`}function ye(e){return e?`${e.slice(5,10)} ${e.slice(11,16)}`:"—"}const xt=Bt({session:{token:null,language:"zh-CN"},language:"zh-CN"});function Z(){const e=Gt(xt);return{...e,t:Et[e.language]}}class x extends String{constructor(n,r){super(n);G(this,"__apiType");G(this,"value");G(this,"__meta__");this.value=n,this.__meta__=r}toString(){return this.value}}new x(`
    fragment Problem on UserError {
  code
  message
}
    `,{fragmentName:"Problem"});new x(`
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
    `,{fragmentName:"PatientFields"});new x(`
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
    `,{fragmentName:"ScheduleFields"});new x(`
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
    `,{fragmentName:"OrderFields"});new x(`
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
    `,{fragmentName:"NoticeFields"});const fn=new x(`
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
}`),hn=new x(`
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
}`),gn=new x(`
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
}`);new x(`
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
}`);const yn=new x(`
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
}`),bn=new x(`
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
    `);new x(`
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
    `);new x(`
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
}`);const wn=new x(`
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
}`),In=new x(`
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
}`),kn=new x(`
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
}`),Sn=new x(`
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
}`),An=new x(`
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
}`),Nn=new x(`
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
}`);new x(`
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
    `);new x(`
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
}`);const vn=new x(`
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
    `),En=new x(`
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
    `);new x(`
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
    `);new x(`
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
}`);new x(`
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
}`);const xn=new x(`
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
}`),Pn=new x(`
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
    `);new x(`
    subscription ScheduleAvailability($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) {
    id
    status
    remaining
  }
}
    `);function it(e){return new Date(e.getTime()-e.getTimezoneOffset()*6e4).toISOString().slice(0,10)}function st(e){return e.slice(11,16)}function $n({patientId:e,onBooked:t}){const{session:n,t:r}=Z(),[o,i]=A(null),[c,d]=A(null),[p,l]=A(null),[m,g]=A(null),[s,f]=A(!1);K(()=>{B(n,bn,{}).then(u=>i(u.departments)).catch(u=>g(u.message))},[n]),K(()=>{if(!c)return;l(null);const u=new Date,_=new Date(u.getTime()+6*864e5);B(n,wn,{departmentId:c.id,from:it(u),to:it(_),patientId:e}).then(h=>l(h.schedules)).catch(h=>g(h.message))},[c,e,n]);const y=async u=>{f(!0),g(null);try{const{bookAppointment:_}=await B(n,In,{input:{patientId:e,slotId:u,idempotencyKey:crypto.randomUUID()}});_.__typename==="BookAppointmentSuccess"?t(_.order.id):"message"in _&&g(_.message)}catch(_){g(_.message)}finally{f(!1)}},N=m&&a("p",{class:"error",role:"alert",children:m});if(!c){if(!o)return N||a("p",{class:"muted",children:r.loading});const u=o.flatMap(_=>_.children.length?_.children.map(h=>({...h,parent:_.name})):[{id:_.id,name:_.name,parent:""}]);return a("section",{children:[N,a("ul",{class:"list",children:u.map(_=>a("li",{children:a("button",{class:"row",onClick:()=>d({id:_.id,name:_.name}),children:[a("span",{children:_.name}),a("small",{class:"muted",children:_.parent})]})},_.id))})]})}return a("section",{children:[a("p",{children:[a("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})," ",a("strong",{children:c.name})]}),N,!p&&a("p",{class:"muted",children:r.loading}),p&&!p.length&&a("p",{class:"muted",children:r.noSchedules}),p?.map(u=>a("article",{class:"card schedule","data-schedule":u.id,"data-date":u.date,children:[a("h3",{children:[u.date," ",r.period[u.period]," · ",u.expert?`${u.expert.name} ${u.expert.title}`:c.name]}),a("p",{class:"muted",children:[r.fee," ",ae(u.fee)," · ",r.remaining," ",u.remaining,"/",u.capacity]}),u.eligibility&&!u.eligibility.eligible?a("p",{class:"reason","data-code":u.eligibility.code??"",children:u.eligibility.reason}):a("div",{class:"slots",children:[u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).length===0&&a("p",{class:"muted",children:r.ended}),u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).map(_=>a("button",{class:"slot",disabled:s||_.remaining<1,title:_.remaining<1?r.full:r.eligible,onClick:()=>y(_.id),children:[st(_.startsAt),"–",st(_.endsAt),a("small",{children:_.remaining<1?r.full:`${r.remaining} ${_.remaining}`})]},_.id))]})]},u.id))]})}const Tn=["CHILD","PARENT","SPOUSE","OTHER"];function On({patients:e,onBound:t}){const{session:n,t:r}=Z(),[o,i]=A(""),[c,d]=A(""),[p,l]=A(""),[m,g]=A("CHILD"),[s,f]=A(null),[y,N]=A(!1),u=async h=>{h.preventDefault(),N(!0),f(null);try{const{bindPatient:w}=await B(n,gn,{input:{name:o.trim(),idNumber:c.trim(),phone:p.trim(),relation:m}});w.__typename==="BindPatientSuccess"?(i(""),d(""),t()):"message"in w&&f(w.message)}catch(w){f(w.message)}finally{N(!1)}},_=(h,w,R)=>a("label",{class:"field",children:[a("span",{children:h}),a("input",{value:w,required:!0,onInput:S=>R(S.target.value)})]});return a("section",{children:[a("ul",{class:"list",children:e.map(h=>a("li",{class:"card patient-row",children:[a("strong",{children:h.name})," ",a("small",{class:"muted",children:r.relations[h.relation]}),a("br",{}),a("small",{class:"muted",children:[h.maskedIdNumber," · ",h.cardNumber??""]})]},h.id))}),a("form",{class:"card",onSubmit:u,children:[a("h2",{children:r.bindTitle}),_(r.name,o,i),_(r.idNumber,c,d),_(r.phone,p,l),a("label",{class:"field",children:[a("span",{children:r.relation}),a("select",{value:m,onChange:h=>g(h.target.value),children:Tn.map(h=>a("option",{value:h,children:r.relations[h]},h))})]}),s&&a("p",{class:"error",role:"alert",children:s}),a("button",{class:"primary",type:"submit",disabled:y,children:r.bind})]})]})}const Dn=3;function Cn({onNotice:e}){const{session:t,t:n}=Z(),[r,o]=A([]);return K(()=>vt(t,xn,{},i=>{const c=i.notices;o(d=>[c,...d].slice(0,Dn)),e(c)}),[t]),r.length?a("aside",{class:"card notices","aria-live":"polite",children:[a("h2",{children:n.live}),r.map(i=>a("p",{"data-kind":i.kind,children:[a("strong",{children:i.title})," ",i.body]},i.id))]}):null}const Rn=new Set(["AWAITING_PAYMENT","PAID"]),Un=2e3;function Fn({id:e,onBack:t}){const{session:n,t:r}=Z(),[o,i]=A(null),[c,d]=A(null),[p,l]=A(!1),m=()=>B(n,An,{id:e}).then(u=>i(u.order)).catch(u=>d(u.message));K(()=>{m();const u=vt(n,Pn,{orderId:e},()=>m()),_=window.setInterval(()=>{document.visibilityState==="visible"&&m()},Un);return()=>{u(),window.clearInterval(_)}},[e,n]);const g=async()=>{l(!0),d(null);try{const{payOrder:u}=await B(n,kn,{orderId:e,idempotencyKey:`pay-${e}`});if(u.__typename==="PayOrderSuccess"){const _=new URL(u.payment.payUrl);_.searchParams.set("redirect_url",`${Be()}?order=${encodeURIComponent(e)}`),window.location.assign(_.toString());return}"message"in u&&d(u.message)}catch(u){d(u.message)}l(!1)},s=async()=>{if(window.confirm(r.confirmCancel)){l(!0),d(null);try{const{cancelAppointment:u}=await B(n,Sn,{orderId:e,reason:null});u.__typename==="CancelAppointmentSuccess"?i(u.order):"message"in u&&d(u.message)}catch(u){d(u.message)}finally{l(!1)}}},f=a("p",{children:a("button",{class:"link",onClick:t,children:["← ",r.back]})});if(!o)return a("section",{children:[f,c?a("p",{class:"error",children:c}):a("p",{class:"muted",children:r.loading})]});const y=o.appointment,N=o.kind==="REGISTRATION"&&["AWAITING_PAYMENT","PAID","CONFIRMED"].includes(o.status);return a("section",{children:[f,a("article",{class:"card order","data-status":o.status,children:[a("h2",{children:[r.order," · ",a("span",{class:"status",children:r.orderStatus[o.status]??o.status})]}),y&&a("p",{children:[y.department?.name," ",y.expert?`· ${y.expert.name} ${y.expert.title}`:"",a("br",{}),y.date," ",r.period[y.period]," ",y.startsAt.slice(11,16),"–",y.endsAt.slice(11,16)]}),a("p",{children:[o.patient.name," · ",r.amount," ",ae(o.amount)]}),Rn.has(o.status)&&o.paidAt&&a("p",{class:"muted",children:r.paying}),o.status==="AWAITING_PAYMENT"&&a("button",{class:"primary",disabled:p,onClick:g,children:[r.payNow," ",ae(o.amount)]})]}),o.ticket&&a("article",{class:"card ticket",children:[a("h2",{children:r.ticket}),a("p",{class:"number",children:[r.ticketNumber," ",a("strong",{children:o.ticket.number})]}),a("p",{children:[r.suggestedArrival," ",a("strong",{class:"arrival",children:ye(o.ticket.suggestedArrival)})]}),o.ticket.location&&a("p",{children:[r.location," ",o.ticket.location]})]}),o.refund&&a("article",{class:"card refund",children:[a("h2",{children:r.refund}),a("p",{children:[r.amount," ",ae(o.refund.amount)," ·"," ",r.refundStatuses[o.refund.status]??o.refund.status]}),a("p",{children:[r.refundMode," ",a("strong",{class:"mode",children:o.refund.mode?r.refundModes[o.refund.mode]:"—"})]}),a("p",{children:[r.refundBy," ",a("strong",{class:"expected",children:ye(o.refund.expectedBy)})]})]}),c&&a("p",{class:"error",role:"alert",children:c}),N&&a("button",{class:"danger",disabled:p,onClick:s,children:r.cancel})]})}function Ln({patientId:e,onOpen:t}){const{session:n,t:r}=Z(),[o,i]=A(null),[c,d]=A(null);return K(()=>{B(n,Nn,{patientId:e,status:null,first:20,after:null}).then(p=>i(p.orders.edges.map(l=>l.node))).catch(p=>d(p.message))},[e,n]),c?a("p",{class:"error",children:c}):o?o.length?a("ul",{class:"list",children:o.map(p=>a("li",{children:a("button",{class:"row",onClick:()=>t(p.id),children:[a("span",{children:[p.appointment?.date," ",p.appointment?.department?.name??p.items[0]?.name]}),a("small",{children:[r.orderStatus[p.status]??p.status," · ",ae(p.amount)]})]})},p.id))}):a("p",{class:"muted",children:r.noOrders}):a("p",{class:"muted",children:r.loading})}function Mn({patientId:e,refresh:t}){const{session:n,t:r}=Z(),[o,i]=A(null),[c,d]=A(null),[p,l]=A(null);K(()=>{l(null),B(n,vn,{patientId:e,first:20,after:null}).then(g=>i(g.reports.edges.map(s=>s.node))).catch(g=>l(g.message))},[e,n,t]);const m=g=>B(n,En,{id:g}).then(s=>d(s.report)).catch(s=>l(s.message));return p?a("p",{class:"error",role:"alert",children:p}):c?a("section",{class:"card report",children:[a("p",{children:a("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})}),a("h2",{children:c.title}),a("p",{class:"muted",children:ye(c.issuedAt)}),c.conclusion&&a("p",{children:c.conclusion}),a("table",{children:a("tbody",{children:c.items.map(g=>a("tr",{children:[a("td",{children:g.name}),a("td",{children:[g.value," ",g.unit??""," ",g.flag==="NORMAL"?"":r.flags[g.flag]??g.flag]}),a("td",{class:"muted",children:g.referenceRange??""})]},g.name))})})]}):o?o.length?a("ul",{class:"list reports",children:o.map(g=>a("li",{children:a("button",{class:"row",onClick:()=>m(g.id),children:[a("span",{children:g.title}),a("small",{class:"muted",children:ye(g.issuedAt)})]})},g.id))}):a("p",{class:"muted",children:r.noReports}):a("p",{class:"muted",children:r.loading})}function Bn({onVerified:e}){const{session:t,t:n}=Z(),[r,o]=A(""),[i,c]=A(""),[d,p]=A(""),[l,m]=A(null),[g,s]=A(!1),f=async N=>{N.preventDefault(),s(!0),m(null);try{const{verifyIdentity:u}=await B(t,hn,{input:{name:r.trim(),idNumber:i.trim(),phone:d.trim()}});u.__typename==="VerifyIdentitySuccess"?e():"message"in u&&m(u.message)}catch(u){m(u.message)}finally{s(!1)}},y=(N,u,_,h)=>a("label",{class:"field",children:[a("span",{children:N}),a("input",{value:u,inputMode:h,required:!0,onInput:w=>_(w.target.value)})]});return a("form",{class:"card",onSubmit:f,children:[a("h2",{children:n.verifyTitle}),a("p",{class:"muted",children:n.verifyIntro}),y(n.name,r,o,"text"),y(n.idNumber,i,c,"text"),y(n.phone,d,p,"tel"),l&&a("p",{class:"error",role:"alert",children:l}),a("button",{class:"primary",type:"submit",disabled:g,children:n.verify})]})}const at="hospital-h5:language";function Hn(){const e=new URLSearchParams(window.location.search).get("order");return e?{name:"order",id:e}:{name:"book"}}function Wn(){const[e,t]=A(window.localStorage.getItem(at)??"zh-CN"),[n,r]=A(Jt()),[o,i]=A(null),[c,d]=A(null),[p,l]=A(!0),[m,g]=A(Hn()),[s,f]=A(null),[y,N]=A(0),u=Et[e],_=qt(()=>({token:n,language:e}),[n,e]);K(()=>{document.documentElement.lang=e,document.title=u.title,window.localStorage.setItem(at,e)},[e]),K(()=>{const S=en();if(S!==null){if("mismatch"in S){d(u.signInStateMismatch);return}l(!0),B({token:null,language:e},fn,{code:S.code}).then(({signIn:I})=>{I.__typename==="SignInSuccess"?(Ae(I.token),r(I.token)):"message"in I&&d(I.message)}).catch(I=>d(I.message)).finally(()=>l(!1))}},[]);const h=()=>{if(!n){l(!1);return}l(!0),B(_,yn,{}).then(({me:S})=>{i(S),S&&S.patients.length&&!S.patients.some(I=>I.id===s)&&f(S.patients[0].id)}).catch(S=>{S.code==="UNAUTHENTICATED"?(Ae(null),r(null)):d(S.message)}).finally(()=>l(!1))};K(h,[n]);const w=()=>{Ae(null),r(null),i(null)};let R;if(p&&!o)R=a("p",{class:"muted",children:u.loading});else if(!n||!o)R=a("section",{class:"card",children:[a("p",{children:u.signInIntro}),a("button",{class:"primary",onClick:Zt,children:u.signInWechat})]});else if(!o.verified)R=a(Bn,{onVerified:h});else{const S=o.patients;R=a(ce,{children:[a("label",{class:"patient",children:[u.patient," ",a("select",{value:s??"",onChange:I=>f(I.target.value),children:S.map(I=>a("option",{value:I.id,children:I.name},I.id))})]}),a("nav",{class:"tabs",children:[a("button",{class:m.name==="book"?"active":"",onClick:()=>g({name:"book"}),children:u.departments}),a("button",{class:m.name==="orders"||m.name==="order"?"active":"",onClick:()=>g({name:"orders"}),children:u.myOrders}),a("button",{class:m.name==="reports"?"active":"",onClick:()=>g({name:"reports"}),children:u.reports}),a("button",{class:m.name==="family"?"active":"",onClick:()=>g({name:"family"}),children:u.family})]}),m.name==="book"&&s&&a($n,{patientId:s,onBooked:I=>g({name:"order",id:I})}),m.name==="orders"&&a(Ln,{patientId:s,onOpen:I=>g({name:"order",id:I})}),m.name==="reports"&&s&&a(Mn,{patientId:s,refresh:y}),m.name==="family"&&a(On,{patients:S,onBound:h}),m.name==="order"&&a(Fn,{id:m.id,onBack:()=>g({name:"orders"})}),a(Cn,{onNotice:()=>N(I=>I+1)})]})}return a(xt.Provider,{value:{session:_,language:e},children:[a("header",{children:[a("h1",{children:u.title}),a("span",{class:"spacer"}),o&&a("button",{class:"link",onClick:w,children:u.signOut}),a("button",{class:"link",lang:e==="en"?"zh-CN":"en",onClick:()=>t(e==="en"?"zh-CN":"en"),children:u.switchLanguage})]}),a("main",{children:[c&&a("p",{class:"error",role:"alert",children:c}),R]})]})}Mt(a(Wn,{}),document.getElementById("app"));
