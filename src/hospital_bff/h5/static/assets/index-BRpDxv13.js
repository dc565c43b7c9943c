var $t=Object.defineProperty;var Tt=(e,t,n)=>t in e?$t(e,t,{enumerable:!0,configurable:!0,writable:!0,value:n}):e[t]=n;var G=(e,t,n)=>Tt(e,typeof t!="symbol"?t+"":t,n);(function(){const t=document.createElement("link").relList;if(t&&t.supports&&t.supports("modulepreload"))return;for(const i of document.querySelectorAll('link[rel="modulepreload"]'))r(i);new MutationObserver(i=>{for(const o of i)if(o.type==="childList")for(const c of o.addedNodes)c.tagName==="LINK"&&c.rel==="modulepreload"&&r(c)}).observe(document,{childList:!0,subtree:!0});function n(i){const o={};return i.integrity&&(o.integrity=i.integrity),i.referrerPolicy&&(o.referrerPolicy=i.referrerPolicy),i.crossOrigin==="use-credentials"?o.credentials="include":i.crossOrigin==="anonymous"?o.credentials="omit":o.credentials="same-origin",o}function r(i){if(i.ep)return;i.ep=!0;const o=n(i);fetch(i.href,o)}})();var ye,x,ct,Q,qe,lt,dt,Ie,ue,se,ut,Ce,ve,Ne,pt,fe={},he=[],Ot=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,be=Array.isArray;function j(e,t){for(var n in t)e[n]=t[n];return e}function Re(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Dt(e,t,n){var r,i,o,c={};for(o in t)o=="key"?r=t[o]:o=="ref"?i=t[o]:c[o]=t[o];if(arguments.length>2&&(c.children=arguments.length>3?ye.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(o in e.defaultProps)c[o]===void 0&&(c[o]=e.defaultProps[o]);return pe(e,c,r,i,null)}function pe(e,t,n,r,i){var o={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:i??++ct,__i:-1,__u:0};return i==null&&x.vnode!=null&&x.vnode(o),o}function ce(e){return e.children}function _e(e,t){this.props=e,this.context=t}function X(e,t){if(t==null)return e.__?X(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?X(e):null}function Ct(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,r=[],i=[],o=j({},t);o.__v=t.__v+1,x.vnode&&x.vnode(o),Ue(e.__P,o,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,r,n??X(t),!!(32&t.__u),i),o.__v=t.__v,o.__.__k[o.__i]=o,gt(r,o,i),t.__e=t.__=null,o.__e!=n&&_t(o)}}function _t(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),_t(e)}function xe(e){(!e.__d&&(e.__d=!0)&&Q.push(e)&&!ge.__r++||qe!=x.debounceRendering)&&((qe=x.debounceRendering)||lt)(ge)}function ge(){try{for(var e,t=1;Q.length;)Q.length>t&&Q.sort(dt),e=Q.shift(),t=Q.length,Ct(e)}finally{Q.length=ge.__r=0}}function mt(e,t,n,r,i,o,c,d,p,l,h){var b,s,f,g,k,u,_=r&&r.__k||he,m=t.length;for(p=Rt(n,t,_,p,m),b=0;b<m;b++)(f=n.__k[b])!=null&&(s=f.__i!=-1&&_[f.__i]||fe,f.__i=b,u=Ue(e,f,s,i,o,c,d,p,l,h),g=f.__e,f.ref&&s.ref!=f.ref&&(s.ref&&Fe(s.ref,null,f),h.push(f.ref,f.__c||g,f)),k==null&&g!=null&&(k=g),4&f.__u?(p=ft(f,p,e),s.__e&&(s.__e=null)):typeof f.type=="function"&&u!==void 0?p=u:g&&(p=g.nextSibling),f.__u&=-7);return n.__e=k,p}function Rt(e,t,n,r,i){var o,c,d,p,l,h=n.length,b=h,s=0;for(e.__k=new Array(i),o=0;o<i;o++)(c=t[o])!=null&&typeof c!="boolean"&&typeof c!="function"?(typeof c=="string"||typeof c=="number"||typeof c=="bigint"||c.constructor==String?c=e.__k[o]=pe(null,c,null,null,null):be(c)?c=e.__k[o]=pe(ce,{children:c},null,null,null):c.constructor===void 0&&c.__b>0?c=e.__k[o]=pe(c.type,c.props,c.key,c.ref?c.ref:null,c.__v):e.__k[o]=c,p=o+s,c.__=e,c.__b=e.__b+1,d=null,(l=c.__i=Ut(c,n,p,b))!=-1&&(b--,(d=n[l])&&(d.__u|=2)),d==null||d.__v==null?(l==-1&&(i>h?s--:i<h&&s++),typeof c.type!="function"&&(c.__u|=4)):l!=p&&(l==p-1?s--:l==p+1?s++:(l>p?s--:s++,c.__u|=4))):e.__k[o]=null;if(b)for(o=0;o<h;o++)(d=n[o])!=null&&(2&d.__u)==0&&(d.__e==r&&(r=X(d)),bt(d,d));return r}function ft(e,t,n){var r,i;if(typeof e.type=="function"){for(r=e.__k,i=0;r&&i<r.length;i++)r[i]&&(r[i].__=e,t=ft(r[i],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=X(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Ut(e,t,n,r){var i,o,c,d=e.key,p=e.type,l=t[n],h=l!=null&&(2&l.__u)==0;if(l===null&&d==null||h&&d==l.key&&p==l.type)return n;if(r>(h?1:0)){for(i=n-1,o=n+1;i>=0||o<t.length;)if((l=t[c=i>=0?i--:o++])!=null&&(2&l.__u)==0&&d==l.key&&p==l.type)return c}return-1}function Ge(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Ot.test(t)?n:n+"px"}function de(e,t,n,r,i){var o,c;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||Ge(e.style,t,"");if(n)for(t in n)r&&n[t]==r[t]||Ge(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")o=t!=(t=t.replace(ut,"$1")),c=t.toLowerCase(),t=c in e||t=="onFocusOut"||t=="onFocusIn"?c.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+o]=n,n?r?n[se]=r[se]:(n[se]=Ce,e.addEventListener(t,o?Ne:ve,o)):e.removeEventListener(t,o?Ne:ve,o);else{if(i=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function ze(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[ue]==null)t[ue]=Ce++;else if(t[ue]<n[se])return;return n(x.event?x.event(t):t)}}}function Ue(e,t,n,r,i,o,c,d,p,l){var h,b,s,f,g,k,u,_,m,y,S,C,F,Z,q,K,M=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(p=!!(32&n.__u),o=[d=t.__e=n.__e]),(h=x.__b)&&h(t);e:if(typeof M=="function"){b=c.length;try{if(m=t.props,y=M.prototype&&M.prototype.render,S=(h=M.contextType)&&r[h.__c],C=h?S?S.props.value:h.__:r,n.__c?_=(s=t.__c=n.__c).__=s.__E:(y?t.__c=s=new M(m,C):(t.__c=s=new _e(m,C),s.constructor=M,s.render=Lt),S&&S.sub(s),s.state||(s.state={}),s.__n=r,f=s.__d=!0,s.__h=[],s._sb=[]),y&&s.__s==null&&(s.__s=s.state),y&&M.getDerivedStateFromProps!=null&&(s.__s==s.state&&(s.__s=j({},s.__s)),j(s.__s,M.getDerivedStateFromProps(m,s.__s))),g=s.props,k=s.state,s.__v=t,f)y&&M.getDerivedStateFromProps==null&&s.componentWillMount!=null&&s.componentWillMount(),y&&s.componentDidMount!=null&&s.__h.push(s.componentDidMount);else{if(y&&M.getDerivedStateFromProps==null&&m!==g&&s.componentWillReceiveProps!=null&&s.componentWillReceiveProps(m,C),t.__v==n.__v||!s.__e&&s.shouldComponentUpdate!=null&&s.shouldComponentUpdate(m,s.__s,C)===!1){t.__v!=n.__v&&(s.props=m,s.state=s.__s,s.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(z){z&&(z.__=t)}),he.push.apply(s.__h,s._sb),s._sb=[],s.__h.length&&c.push(s),d=X(n);break e}s.componentWillUpdate!=null&&s.componentWillUpdate(m,s.__s,C),y&&s.componentDidUpdate!=null&&s.__h.push(function(){s.componentDidUpdate(g,k,u)})}if(s.context=C,s.props=m,s.__P=e,s.__e=!1,F=x.__r,Z=0,y)s.state=s.__s,s.__d=!1,F&&F(t),h=s.render(s.props,s.state,s.context),he.push.apply(s.__h,s._sb),s._sb=[];else do s.__d=!1,F&&F(t),h=s.render(s.props,s.state,s.context),s.state=s.__s;while(s.__d&&++Z<25);s.state=s.__s,s.getChildContext!=null&&(r=j(j({},r),s.getChildContext())),y&&!f&&s.getSnapshotBeforeUpdate!=null&&(u=s.getSnapshotBeforeUpdate(g,k)),q=h!=null&&h.type===ce&&h.key==null?yt(h.props.children):h,d=mt(e,be(q)?q:[q],t,n,r,i,o,c,d,p,l),s.base=t.__e,t.__u&=-161,s.__h.length&&c.push(s),_&&(s.__E=s.__=null)}catch(z){if(c.length=b,t.__v=null,p||o!=null){if(z.then){for(t.__u|=p?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;o!=null&&(o[o.indexOf(d)]=null),t.__e=d}else if(o!=null)for(K=o.length;K--;)Re(o[K])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),z.then||ht(t),x.__e(z,t,n)}}else o==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):d=t.__e=Ft(n.__e,t,n,r,i,o,c,p,l);return(h=x.diffed)&&h(t),128&t.__u?void 0:d}function ht(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(ht))}function gt(e,t,n){for(var r=0;r<n.length;r++)Fe(n[r],n[++r],n[++r]);x.__c&&x.__c(t,e),e.some(function(i){try{e=i.__h,i.__h=[],e.some(function(o){o.call(i)})}catch(o){x.__e(o,i.__v)}})}function yt(e){return typeof e!="object"||e==null||e.__b>0?e:be(e)?e.map(yt):e.constructor!==void 0?null:j({},e)}function Ft(e,t,n,r,i,o,c,d,p){var l,h,b,s,f,g,k,u=n.props||fe,_=t.props,m=t.type;if(m=="svg"?i="http://www.w3.org/2000/svg":m=="math"?i="http://www.w3.org/1998/Math/MathML":i||(i="http://www.w3.org/1999/xhtml"),o!=null){for(l=0;l<o.length;l++)if((f=o[l])&&"setAttribute"in f==!!m&&(m?f.localName==m:f.nodeType==3)){e=f,o[l]=null;break}}if(e==null){if(m==null)return document.createTextNode(_);e=document.createElementNS(i,m,_.is&&_),d&&(x.__m&&x.__m(t,o),d=!1),o=null}if(m==null)u===_||d&&e.data==_||(e.data=_);else{if(o=m=="textarea"&&_.defaultValue!=null?null:o&&ye.call(e.childNodes),!d&&o!=null)for(u={},l=0;l<e.attributes.length;l++)u[(f=e.attributes[l]).name]=f.value;for(l in u)f=u[l],l=="dangerouslySetInnerHTML"?b=f:l=="children"||l in _||l=="value"&&"defaultValue"in _||l=="checked"&&"defaultChecked"in _||de(e,l,null,f,i);for(l in _)f=_[l],l=="children"?s=f:l=="dangerouslySetInnerHTML"?h=f:l=="value"?g=f:l=="checked"?k=f:d&&typeof f!="function"||u[l]===f||de(e,l,f,u[l],i);if(h)d||b&&(h.__html==b.__html||h.__html==e.innerHTML)||(e.innerHTML=h.__html),t.__k=[];else if(b&&(e.innerHTML=""),mt(t.type=="template"?e.content:e,be(s)?s:[s],t,n,r,m=="foreignObject"?"http://www.w3.org/1999/xhtml":i,o,c,o?o[0]:n.__k&&X(n,0),d,p),o!=null)for(l=o.length;l--;)Re(o[l]);d&&m!="textarea"||(l="value",m=="progress"&&g==null?e.removeAttribute("value"):g!=null&&(g!==e[l]||m=="progress"&&!g||m=="option"&&g!=u[l])&&de(e,l,g,u[l],i),l="checked",k!=null&&k!=e[l]&&de(e,l,k,u[l],i))}return e}function Fe(e,t,n){try{if(typeof e=="function"){var r=typeof e.__u=="function";r&&e.__u(),r&&t==null||(e.__u=e(t))}else e.current=t}catch(i){x.__e(i,n)}}function bt(e,t,n){var r,i;if(x.unmount&&x.unmount(e),(r=e.ref)&&(r.current&&r.current!=e.__e||Fe(r,null,t)),(r=e.__c)!=null){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(o){x.__e(o,t)}r.base=r.__P=r.__n=null}if(r=e.__k)for(i=0;i<r.length;i++)r[i]&&bt(r[i],t,n||typeof e.type!="function");n||Re(e.__e),e.__c=e.__=e.__e=void 0}function Lt(e,t,n){return this.constructor(e,n)}function Mt(e,t,n){var r,i,o,c;t==document&&(t=document.documentElement),x.__&&x.__(e,t),i=(r=!1)?null:t.__k,o=[],c=[],Ue(t,e=t.__k=Dt(ce,null,[e]),i||fe,fe,t.namespaceURI,i?null:t.firstChild?ye.call(t.childNodes):null,o,i?i.__e:t.firstChild,r,c),gt(o,e,c),e.props.children=null}function Bt(e){function t(n){var r,i;return this.getChildContext||(r=new Set,(i={})[t.__c]=this,this.getChildContext=function(){return i},this.componentWillUnmount=function(){r=null},this.shouldComponentUpdate=function(o){this.props.value!=o.value&&r.forEach(function(c){c.__e=!0,xe(c)})},this.sub=function(o){r.add(o);var c=o.componentWillUnmount;o.componentWillUnmount=function(){r&&r.delete(o),c&&c.call(o)}}),n.children}return t.__c="__cC"+pt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,r){return n.children(r)}).contextType=t,t}ye=he.slice,x={__e:function(e,t,n,r){for(var i,o,c;t=t.__;)if((i=t.__c)&&!i.__)try{if((o=i.constructor)&&o.getDerivedStateFromError!=null&&(i.setState(o.getDerivedStateFromError(e)),c=i.__d),i.componentDidCatch!=null&&(i.componentDidCatch(e,r||{}),c=i.__d),c)return i.__E=i}catch(d){e=d}throw e}},ct=0,_e.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=j({},this.state),typeof e=="function"&&(e=e(j({},n),this.props)),e&&j(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),xe(this))},_e.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),xe(this))},_e.prototype.render=ce,Q=[],lt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,dt=function(e,t){return e.__v.__b-t.__v.__b},ge.__r=0,Ie=Math.random().toString(8),ue="__d"+Ie,se="__a"+Ie,ut=/(PointerCapture)$|Capture$/i,Ce=0,ve=ze(!1),Ne=ze(!0),pt=0;var Ht=0;function a(e,t,n,r,i,o){t||(t={});var c,d,p=t;if("ref"in p)for(d in p={},t)d=="ref"?c=t[d]:p[d]=t[d];var l={type:e,props:p,key:n,ref:c,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Ht,__i:-1,__u:0,__source:i,__self:o};if(typeof e=="function"&&(c=e.defaultProps))for(d in c)p[d]===void 0&&(p[d]=c[d]);return x.vnode&&x.vnode(l),l}var ne,$,ke,Ve,Pe=0,wt=[],D=x,je=D.__b,Ke=D.__r,Qe=D.diffed,Ye=D.__c,Je=D.unmount,Xe=D.__;function we(e,t){D.__h&&D.__h($,e,Pe||t),Pe=0;var n=$.__H||($.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function v(e){return Pe=1,Wt(kt,e)}function Wt(e,t,n){var r=we(ne++,2);if(r.t=e,!r.__c&&(r.__=[kt(void 0,t),function(d){var p=r.__N?r.__N[0]:r.__[0],l=r.t(p,d);p!==l&&(r.__N=[l,r.__[1]],r.__c.setState({}))}],r.__c=$,!$.__f)){var i=function(d,p,l){if(!r.__c.__H)return!0;var h=!1,b=r.__c.props!==d;if(r.__c.__H.__.some(function(f){if(f.__N){h=!0;var g=f.__[0];f.__=f.__N,f.__N=void 0,g!==f.__[0]&&(b=!0)}}),o){var s=o.call(this,d,p,l);return h?s||b:s}return!h||b};$.__f=!0;var o=$.shouldComponentUpdate,c=$.componentWillUpdate;$.componentWillUpdate=function(d,p,l){if(this.__e){var h=o;o=void 0,i(d,p,l),o=h}c&&c.call(this,d,p,l)},$.shouldComponentUpdate=i}return r.__N||r.__}function Y(e,t){var n=we(ne++,3);!D.__s&&It(n.__H,t)&&(n.__=e,n.u=t,$.__H.__h.push(n))}function qt(e,t){var n=we(ne++,7);return It(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Gt(e){var t=$.context[e.__c],n=we(ne++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub($)),t.props.value):e.__}function zt(){for(var e;e=wt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(me),t.__h.some($e),t.__h=[]}catch(n){t.__h=[],D.__e(n,e.__v)}}}D.__b=function(e){$=null,je&&je(e)},D.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Xe&&Xe(e,t)},D.__r=function(e){Ke&&Ke(e),ne=0;var t=($=e.__c).__H;t&&(ke===$?(t.__h=[],$.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(me),t.__h.some($e),t.__h=[],ne=0)),ke=$},D.diffed=function(e){Qe&&Qe(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(wt.push(t)!==1&&Ve===D.requestAnimationFrame||((Ve=D.requestAnimationFrame)||Vt)(zt)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),ke=$=null},D.__c=function(e,t){t.some(function(n){try{n.__h.some(me),n.__h=n.__h.filter(function(r){return!r.__||$e(r)})}catch(r){t.some(function(i){i.__h&&(i.__h=[])}),t=[],D.__e(r,n.__v)}}),Ye&&Ye(e,t)},D.unmount=function(e){Je&&Je(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{me(r)}catch(i){t=i}}),n.__H=void 0,t&&D.__e(t,n.__v))};var Ze=typeof requestAnimationFrame=="function";function Vt(e){var t,n=function(){clearTimeout(r),Ze&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);Ze&&(t=requestAnimationFrame(n))}function me(e){var t=$,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),$=t}function $e(e){var t=$;e.__c=e.__(),$=t}function It(e,t){return!e||e.length!==t.length||t.some(function(n,r){return n!==e[r]})}function kt(e,t){return typeof t=="function"?t(e):t}const jt={},Le=jt;function St(e){return new URL(e,window.location.href).toString()}const At=St(Le.VITE_GRAPHQL_URL??"/graphql"),Kt=At.replace(/^http/,"ws"),Qt=St(Le.VITE_WECHAT_AUTHORIZE_URL??"/sim/wechat/connect/oauth2/authorize"),Yt=Le.VITE_WECHAT_APP_ID??"wx-hospital-demo",Te="hospital-h5:sign-in-state",Oe="hospital-h5:token";function Jt(){return window.sessionStorage.getItem(Oe)}function Se(e){e?window.sessionStorage.setItem(Oe,e):window.sessionStorage.removeItem(Oe)}function Xt(){const e=crypto.getRandomValues(new Uint8Array(16));return Array.from(e,t=>t.toString(16).padStart(2,"0")).join("")}function Me(){return window.location.origin+window.location.pathname}function Zt(){const e=Xt();window.sessionStorage.setItem(Te,e);const t=new URL(Qt);t.search=new URLSearchParams({appid:Yt,redirect_uri:Me(),response_type:"code",scope:"snsapi_base",state:e}).toString(),t.hash="wechat_redirect",window.location.assign(t.toString())}function en(){const e=new URLSearchParams(window.location.search),t=e.get("code");if(!t)return null;const n=e.get("state"),r=window.sessionStorage.getItem(Te);window.sessionStorage.removeItem(Te),e.delete("code"),e.delete("state");const i=e.toString();return window.history.replaceState(null,"",Me()+(i?`?${i}`:"")),r!==null&&r===n?{code:t}:{mismatch:!0}}function L(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function J(e){return L(e)==="object"}function tn(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function et(e,t){return e.length<124?e:t}const nn="graphql-transport-ws";var B=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(B||{}),H=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(H||{});function Et(e){if(!J(e))throw new Error(`Message is expected to be an object, but got ${L(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${L(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${L(e.payload.query)}`);if(e.payload.variables!=null&&!J(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${L(e.payload.variables)}`);if(e.payload.operationName!=null&&L(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${L(e.payload.operationName)}`);if(e.payload.extensions!=null&&!J(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${L(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!tn(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function rn(e,t){return Et(typeof e=="string"?JSON.parse(e,t):e)}function ie(e,t){return Et(e),JSON.stringify(e,t)}function on(e){const{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:i=console.error,lazyCloseTimeout:o=0,keepAlive:c=0,disablePong:d,connectionAckWaitTimeout:p=0,retryAttempts:l=5,retryWait:h=async function(P){const w=Math.pow(2,P);await new Promise(E=>setTimeout(E,w*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:b=Ae,on:s,webSocketImpl:f,generateID:g=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,P=>{const w=Math.random()*16|0;return(P=="x"?w:w&3|8).toString(16)})},jsonMessageReplacer:k,jsonMessageReviver:u}=e;let _;if(f){if(!an(f))throw new Error("Invalid WebSocket implementation provided");_=f}else typeof WebSocket<"u"?_=WebSocket:typeof global<"u"?_=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");const m=_,y=(()=>{const I=(()=>{const w={};return{on(E,T){return w[E]=T,()=>{delete w[E]}},emit(E){"id"in E&&w[E.id]?.(E)}}})(),P={connecting:s?.connecting?[s.connecting]:[],opened:s?.opened?[s.opened]:[],connected:s?.connected?[s.connected]:[],ping:s?.ping?[s.ping]:[],pong:s?.pong?[s.pong]:[],message:s?.message?[I.emit,s.message]:[I.emit],closed:s?.closed?[s.closed]:[],error:s?.error?[s.error]:[]};return{onMessage:I.on,on(w,E){const T=P[w];return T.push(E),()=>{const O=T.indexOf(E);O>-1&&T.splice(O,1)}},emit(w,...E){for(const T of[...P[w]])T(...E)}}})();function S(I){const P=[y.on("error",w=>{P.forEach(E=>E()),I(w)}),y.on("closed",w=>{P.forEach(E=>E()),I(w)})];return()=>P.forEach(w=>w())}let C,F=0,Z,q=!1,K=0,M=!1;async function z(){clearTimeout(Z);const[I,P]=await(C??(C=new Promise((T,O)=>(async()=>{if(q){if(await h(K),!F)return C=void 0,O({code:1e3,reason:"All Subscriptions Gone"});K++}y.emit("connecting",q);const A=new m(typeof t=="function"?await t():t,nn);let V,ee;function le(){isFinite(c)&&c>0&&(clearTimeout(ee),ee=setTimeout(()=>{A.readyState===m.OPEN&&(A.send(ie({type:H.Ping})),y.emit("ping",!1,void 0))},c))}S(U=>{C=void 0,clearTimeout(V),clearTimeout(ee),O(U),U instanceof tt&&(A.close(4499,"Terminated"),A.onerror=null,A.onclose=null)}),A.onerror=U=>y.emit("error",U),A.onclose=U=>y.emit("closed",U),A.onopen=async()=>{try{y.emit("opened",A);const U=typeof n=="function"?await n():n;if(A.readyState!==m.OPEN)return;A.send(ie(U?{type:H.ConnectionInit,payload:U}:{type:H.ConnectionInit},k)),isFinite(p)&&p>0&&(V=setTimeout(()=>{A.close(B.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},p)),le()}catch(U){y.emit("error",U),A.close(B.InternalClientError,et(U instanceof Error?U.message:String(U),"Internal client error"))}};let te=!1;A.onmessage=({data:U})=>{try{const R=rn(U,u);if(y.emit("message",R),R.type==="ping"||R.type==="pong"){y.emit(R.type,!0,R.payload),R.type==="pong"?le():d||(A.send(ie(R.payload?{type:H.Pong,payload:R.payload}:{type:H.Pong},k)),y.emit("pong",!1,R.payload));return}if(te)return;if(R.type!==H.ConnectionAck)throw new Error(`First message cannot be of type ${R.type}`);clearTimeout(V),te=!0,y.emit("connected",A,R.payload,q),q=!1,K=0;const We=new Promise((Bn,Pt)=>S(Pt));We.catch(()=>{}),T([A,We])}catch(R){A.onmessage=null,y.emit("error",R),A.close(B.BadResponse,et(R instanceof Error?R.message:String(R),"Bad response"))}}})())));I.readyState===m.CLOSING&&await P;let w=()=>{};const E=new Promise(T=>w=T);return[I,w,new Promise((T,O)=>{const A=S(O);I.readyState!==m.OPEN&&P.catch(O),E.then(()=>{if(A(),!F){const V=()=>I.close(1e3,"Normal Closure");isFinite(o)&&o>0?(clearTimeout(Z),Z=setTimeout(()=>{!F&&I.readyState===m.OPEN&&V()},o)):V()}T()})})]}function Be(I){if(Ae(I)&&(sn(I.code)||[B.InternalServerError,B.InternalClientError,B.BadRequest,B.BadResponse,B.Unauthorized,B.SubprotocolNotAcceptable,B.SubscriberAlreadyExists,B.TooManyInitialisationRequests].includes(I.code)))throw I;if(M)return!1;if(Ae(I)&&I.code===1e3)return F>0;if(!l||K>=l||!b(I))throw I;return q=!0}r||(async()=>{for(F++;;)try{const[,,I]=await z();await I}catch(I){try{if(!Be(I))return}catch(P){return i?.(P)}}})();function He(I,P){const w=g(I);let E=!1,T=!1,O=()=>{F--,E=!0};return(async()=>{for(F++;;)try{const[A,V,ee]=await z();if(E)return ee.catch(()=>{}),V();const le=y.onMessage(w,te=>{switch(te.type){case H.Next:{P.next(te.payload);return}case H.Error:{T=!0,E=!0,P.error(te.payload),O();return}case H.Complete:{E=!0,O();return}}});A.send(ie({id:w,type:H.Subscribe,payload:I},k)),O=()=>{!E&&A.readyState===m.OPEN&&A.send(ie({id:w,type:H.Complete},k)),F--,E=!0,V()},await ee.finally(le);return}catch(A){if(!Be(A))return}})().then(()=>{T||P.complete()}).catch(A=>{P.error(A)}),()=>{E||O()}}return{on:y.on,subscribe:He,iterate(I){const P=[],w={done:!1,error:null,resolve:()=>{}},E=He(I,{next(O){P.push(O),w.resolve()},error(O){w.done=!0,w.error=O,w.resolve()},complete(){w.done=!0,w.resolve()}}),T=(async function*(){for(;;){for(P.length||await new Promise(A=>w.resolve=A);P.length;)yield P.shift();if(w.error)throw w.error;if(w.done)return}})();return T.throw=async O=>(w.done||(w.done=!0,w.error=O,w.resolve()),{done:!0,value:void 0}),T.return=async()=>(E(),{done:!0,value:void 0}),T},async dispose(){if(M=!0,C){const[I]=await C;I.close(1e3,"Normal Closure")}},terminate(){C&&y.emit("closed",new tt)}}}class tt extends Error{constructor(){super(...arguments);G(this,"name","TerminatedCloseEvent");G(this,"message","4499: Terminated");G(this,"code",4499);G(this,"reason","Terminated");G(this,"wasClean",!1)}}function Ae(e){return J(e)&&"code"in e&&"reason"in e}function sn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function an(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}class De extends Error{constructor(n,r){super(n);G(this,"code");this.code=r}}const cn="PERSISTED_QUERY_NOT_FOUND",nt=new Map;async function ln(e){if(!globalThis.crypto?.subtle)return null;const t=await crypto.subtle.digest("SHA-256",new TextEncoder().encode(e));return Array.from(new Uint8Array(t),n=>n.toString(16).padStart(2,"0")).join("")}async function dn(e){const t=nt.get(e);if(t)return t;const n=await ln(e);return n&&nt.set(e,n),n}function un(e){const t={"content-type":"application/json",accept:"application/graphql-response+json, application/json","accept-language":e.language};return e.token&&(t.authorization=`Bearer ${e.token}`),t}async function Ee(e,t){const n=await fetch(At,{method:"POST",headers:un(e),body:JSON.stringify(t)});if(!(n.headers.get("content-type")??"").includes("json"))throw new De(`HTTP ${n.status}`,null);return await n.json()}function rt(e){return e.errors?.[0]?.extensions?.code??null}async function W(e,t,n){const r=t.toString(),i=await dn(r);let o;if(i){const c={version:1,sha256Hash:i};o=await Ee(e,{variables:n,extensions:{persistedQuery:c}}),rt(o)===cn&&(o=await Ee(e,{query:r,variables:n,extensions:{persistedQuery:c}}))}else o=await Ee(e,{query:r,variables:n});if(o.errors?.length)throw new De(o.errors[0].message,rt(o));if(!o.data)throw new De("no data",null);return o.data}let oe=null;function pn(e){if(oe&&oe.token===e.token)return oe.client;oe?.client.dispose();const t=e.token,n=on({url:Kt,connectionParams:t?{Authorization:`Bearer ${t}`}:{},lazy:!0,retryAttempts:5});return oe={client:n,token:t},n}function vt(e,t,n,r){return pn(e).subscribe({query:t.toString(),variables:n},{next:i=>{i.data&&r(i.data)},error:()=>{},complete:()=>{}})}const _n={title:"门诊挂号",switchLanguage:"English",signInWechat:"微信授权登录",signInIntro:"通过微信公众号授权登录后挂号、缴费、查看报告。",signingIn:"正在登录…",signInStateMismatch:"登录链接已失效，请重新登录",signOut:"退出",verifyTitle:"实名认证",verifyIntro:"首次使用请填写就诊人身份信息（与医院登记一致）。",name:"姓名",idNumber:"身份证号",phone:"手机号",verify:"认证",patient:"就诊人",departments:"科室",myOrders:"我的挂号",back:"返回",noSchedules:"近 7 天无排班",remaining:"余号",fee:"挂号费",eligible:"可预约",full:"已约满",ended:"本时段已结束",book:"预约",confirmBook:"确认预约",order:"订单",status:"状态",amount:"金额",payNow:"去支付",paying:"正在等待支付结果…",ticket:"就诊凭条",ticketNumber:"序号",suggestedArrival:"建议到院时间",location:"就诊地点",cancel:"取消预约",confirmCancel:"确认取消预约？已付款项将原路退回。",refund:"退款",refundMode:"退款方式",refundBy:"预计到账",refundStatus:"退款状态",noOrders:"暂无挂号记录",loading:"加载中…",live:"实时通知",family:"就诊人",bindTitle:"添加就诊人",bind:"添加",relation:"关系",relations:{SELF:"本人",CHILD:"子女",PARENT:"父母",SPOUSE:"配偶",OTHER:"其他"},period:{MORNING:"上午",AFTERNOON:"下午",EVENING:"夜间"},orderStatus:{AWAITING_PAYMENT:"待支付",PAID:"已支付，医院确认中",CONFIRMED:"已预约",EXPIRED:"已过期",CANCELLED:"已取消",FAILED:"医院未能确认，将退款",COMPLETED:"已就诊"},refundModes:{REVERSAL:"当日冲正，即时到账",REFUND:"原路退款，即时到账",BATCH:"次日批量退款，7 日内到账"},refundStatuses:{PENDING:"待退款",PROCESSING:"退款中",SUCCEEDED:"已退款",FAILED:"退款失败，请联系医院"}},mn={title:"Outpatient booking",switchLanguage:"中文",signInWechat:"Sign in with WeChat",signInIntro:"Sign in through the official account to book, pay and read reports.",signingIn:"Signing in…",signInStateMismatch:"This sign-in link has expired; please sign in again",signOut:"Sign out",verifyTitle:"Verify your identity",verifyIntro:"First time here: enter the patient's details as the hospital records them.",name:"Name",idNumber:"ID number",phone:"Mobile",verify:"Verify",patient:"Patient",departments:"Departments",myOrders:"My bookings",back:"Back",noSchedules:"No clinics in the next 7 days",remaining:"Left",fee:"Fee",eligible:"Bookable",full:"Full",ended:"This clinic is over",book:"Book",confirmBook:"Confirm booking",order:"Order",status:"Status",amount:"Amount",payNow:"Pay",paying:"Waiting for the payment…",ticket:"Ticket",ticketNumber:"Number",suggestedArrival:"Suggested arrival",location:"Where",cancel:"Cancel booking",confirmCancel:"Cancel this booking? The money goes back the way it came.",refund:"Refund",refundMode:"Refund mode",refundBy:"Expected by",refundStatus:"Refund status",noOrders:"No bookings yet",loading:"Loading…",live:"Live notices",family:"Patients",bindTitle:"Add a family member",bind:"Add",relation:"Relation",relations:{SELF:"Self",CHILD:"Child",PARENT:"Parent",SPOUSE:"Spouse",OTHER:"Other"},period:{MORNING:"Morning",AFTERNOON:"Afternoon",EVENING:"Evening"},orderStatus:{AWAITING_PAYMENT:"Awaiting payment",PAID:"Paid, the hospital is confirming",CONFIRMED:"Booked",EXPIRED:"Expired",CANCELLED:"Cancelled",FAILED:"Not confirmed by the hospital; refunding",COMPLETED:"Attended"},refundModes:{REVERSAL:"Same-day reversal: back at once",REFUND:"Refund to the payer: back at once",BATCH:"Next-day batch: back within 7 days"},refundStatuses:{PENDING:"Pending",PROCESSING:"Processing",SUCCEEDED:"Refunded",FAILED:"Failed: please contact the hospital"}},Nt={"zh-CN":_n,en:mn};function ae(e){return`¥${(e/100).toFixed(2)}`}function it(e){return e?`${e.slice(5,10)} ${e.slice(11,16)}`:"—"}const xt=Bt({session:{token:null,language:"zh-CN"},language:"zh-CN"});function re(){const e=Gt(xt);return{...e,t:Nt[e.language]}}class N extends String{constructor(n,r){super(n);G(this,"__apiType");G(this,"value");G(this,"__meta__");this.value=n,this.__meta__=r}toString(){return this.value}}new N(`
    fragment Problem on UserError {
  code
  message
}
    `,{fragmentName:"Problem"});new N(`
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
    `,{fragmentName:"PatientFields"});new N(`
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
    `,{fragmentName:"ScheduleFields"});new N(`
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
    `,{fragmentName:"OrderFields"});new N(`
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
    `,{fragmentName:"NoticeFields"});const fn=new N(`
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
}`),hn=new N(`
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
}`),gn=new N(`
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
}`);new N(`
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
}`);const yn=new N(`
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
}`),bn=new N(`
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
    `);new N(`
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
    `);new N(`
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
}`);const wn=new N(`
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
}`),In=new N(`
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
}`),kn=new N(`
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
}`),Sn=new N(`
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
}`),An=new N(`
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
}`),En=new N(`
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
}`);new N(`
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
    `);new N(`
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
}`);new N(`
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
    `);new N(`
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
    `);new N(`
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
    `);new N(`
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
}`);new N(`
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
}`);const vn=new N(`
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
}`),Nn=new N(`
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
    `);new N(`
    subscription ScheduleAvailability($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) {
    id
    status
    remaining
  }
}
    `);function ot(e){return new Date(e.getTime()-e.getTimezoneOffset()*6e4).toISOString().slice(0,10)}function st(e){return e.slice(11,16)}function xn({patientId:e,onBooked:t}){const{session:n,t:r}=re(),[i,o]=v(null),[c,d]=v(null),[p,l]=v(null),[h,b]=v(null),[s,f]=v(!1);Y(()=>{W(n,bn,{}).then(u=>o(u.departments)).catch(u=>b(u.message))},[n]),Y(()=>{if(!c)return;l(null);const u=new Date,_=new Date(u.getTime()+6*864e5);W(n,wn,{departmentId:c.id,from:ot(u),to:ot(_),patientId:e}).then(m=>l(m.schedules)).catch(m=>b(m.message))},[c,e,n]);const g=async u=>{f(!0),b(null);try{const{bookAppointment:_}=await W(n,In,{input:{patientId:e,slotId:u,idempotencyKey:crypto.randomUUID()}});_.__typename==="BookAppointmentSuccess"?t(_.order.id):"message"in _&&b(_.message)}catch(_){b(_.message)}finally{f(!1)}},k=h&&a("p",{class:"error",role:"alert",children:h});if(!c){if(!i)return k||a("p",{class:"muted",children:r.loading});const u=i.flatMap(_=>_.children.length?_.children.map(m=>({...m,parent:_.name})):[{id:_.id,name:_.name,parent:""}]);return a("section",{children:[k,a("ul",{class:"list",children:u.map(_=>a("li",{children:a("button",{class:"row",onClick:()=>d({id:_.id,name:_.name}),children:[a("span",{children:_.name}),a("small",{class:"muted",children:_.parent})]})},_.id))})]})}return a("section",{children:[a("p",{children:[a("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})," ",a("strong",{children:c.name})]}),k,!p&&a("p",{class:"muted",children:r.loading}),p&&!p.length&&a("p",{class:"muted",children:r.noSchedules}),p?.map(u=>a("article",{class:"card schedule","data-schedule":u.id,"data-date":u.date,children:[a("h3",{children:[u.date," ",r.period[u.period]," · ",u.expert?`${u.expert.name} ${u.expert.title}`:c.name]}),a("p",{class:"muted",children:[r.fee," ",ae(u.fee)," · ",r.remaining," ",u.remaining,"/",u.capacity]}),u.eligibility&&!u.eligibility.eligible?a("p",{class:"reason","data-code":u.eligibility.code??"",children:u.eligibility.reason}):a("div",{class:"slots",children:[u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).length===0&&a("p",{class:"muted",children:r.ended}),u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).map(_=>a("button",{class:"slot",disabled:s||_.remaining<1,title:_.remaining<1?r.full:r.eligible,onClick:()=>g(_.id),children:[st(_.startsAt),"–",st(_.endsAt),a("small",{children:_.remaining<1?r.full:`${r.remaining} ${_.remaining}`})]},_.id))]})]},u.id))]})}const Pn=["CHILD","PARENT","SPOUSE","OTHER"];function $n({patients:e,onBound:t}){const{session:n,t:r}=re(),[i,o]=v(""),[c,d]=v(""),[p,l]=v(""),[h,b]=v("CHILD"),[s,f]=v(null),[g,k]=v(!1),u=async m=>{m.preventDefault(),k(!0),f(null);try{const{bindPatient:y}=await W(n,gn,{input:{name:i.trim(),idNumber:c.trim(),phone:p.trim(),relation:h}});y.__typename==="BindPatientSuccess"?(o(""),d(""),t()):"message"in y&&f(y.message)}catch(y){f(y.message)}finally{k(!1)}},_=(m,y,S)=>a("label",{class:"field",children:[a("span",{children:m}),a("input",{value:y,required:!0,onInput:C=>S(C.target.value)})]});return a("section",{children:[a("ul",{class:"list",children:e.map(m=>a("li",{class:"card patient-row",children:[a("strong",{children:m.name})," ",a("small",{class:"muted",children:r.relations[m.relation]}),a("br",{}),a("small",{class:"muted",children:[m.maskedIdNumber," · ",m.cardNumber??""]})]},m.id))}),a("form",{class:"card",onSubmit:u,children:[a("h2",{children:r.bindTitle}),_(r.name,i,o),_(r.idNumber,c,d),_(r.phone,p,l),a("label",{class:"field",children:[a("span",{children:r.relation}),a("select",{value:h,onChange:m=>b(m.target.value),children:Pn.map(m=>a("option",{value:m,children:r.relations[m]},m))})]}),s&&a("p",{class:"error",role:"alert",children:s}),a("button",{class:"primary",type:"submit",disabled:g,children:r.bind})]})]})}const Tn=3;function On(){const{session:e,t}=re(),[n,r]=v([]);return Y(()=>vt(e,vn,{},i=>r(o=>[i.notices,...o].slice(0,Tn))),[e]),n.length?a("aside",{class:"card notices","aria-live":"polite",children:[a("h2",{children:t.live}),n.map(i=>a("p",{children:[a("strong",{children:i.title})," ",i.body]},i.id))]}):null}const Dn=new Set(["AWAITING_PAYMENT","PAID"]),Cn=2e3;function Rn({id:e,onBack:t}){const{session:n,t:r}=re(),[i,o]=v(null),[c,d]=v(null),[p,l]=v(!1),h=()=>W(n,An,{id:e}).then(u=>o(u.order)).catch(u=>d(u.message));Y(()=>{h();const u=vt(n,Nn,{orderId:e},()=>h()),_=window.setInterval(()=>{document.visibilityState==="visible"&&h()},Cn);return()=>{u(),window.clearInterval(_)}},[e,n]);const b=async()=>{l(!0),d(null);try{const{payOrder:u}=await W(n,kn,{orderId:e,idempotencyKey:`pay-${e}`});if(u.__typename==="PayOrderSuccess"){const _=new URL(u.payment.payUrl);_.searchParams.set("redirect_url",`${Me()}?order=${encodeURIComponent(e)}`),window.location.assign(_.toString());return}"message"in u&&d(u.message)}catch(u){d(u.message)}l(!1)},s=async()=>{if(window.confirm(r.confirmCancel)){l(!0),d(null);try{const{cancelAppointment:u}=await W(n,Sn,{orderId:e,reason:null});u.__typename==="CancelAppointmentSuccess"?o(u.order):"message"in u&&d(u.message)}catch(u){d(u.message)}finally{l(!1)}}},f=a("p",{children:a("button",{class:"link",onClick:t,children:["← ",r.back]})});if(!i)return a("section",{children:[f,c?a("p",{class:"error",children:c}):a("p",{class:"muted",children:r.loading})]});const g=i.appointment,k=i.kind==="REGISTRATION"&&["AWAITING_PAYMENT","PAID","CONFIRMED"].includes(i.status);return a("section",{children:[f,a("article",{class:"card order","data-status":i.status,children:[a("h2",{children:[r.order," · ",a("span",{class:"status",children:r.orderStatus[i.status]??i.status})]}),g&&a("p",{children:[g.department?.name," ",g.expert?`· ${g.expert.name} ${g.expert.title}`:"",a("br",{}),g.date," ",r.period[g.period]," ",g.startsAt.slice(11,16),"–",g.endsAt.slice(11,16)]}),a("p",{children:[i.patient.name," · ",r.amount," ",ae(i.amount)]}),Dn.has(i.status)&&i.paidAt&&a("p",{class:"muted",children:r.paying}),i.status==="AWAITING_PAYMENT"&&a("button",{class:"primary",disabled:p,onClick:b,children:[r.payNow," ",ae(i.amount)]})]}),i.ticket&&a("article",{class:"card ticket",children:[a("h2",{children:r.ticket}),a("p",{class:"number",children:[r.ticketNumber," ",a("strong",{children:i.ticket.number})]}),a("p",{children:[r.suggestedArrival," ",a("strong",{class:"arrival",children:it(i.ticket.suggestedArrival)})]}),i.ticket.location&&a("p",{children:[r.location," ",i.ticket.location]})]}),i.refund&&a("article",{class:"card refund",children:[a("h2",{children:r.refund}),a("p",{children:[r.amount," ",ae(i.refund.amount)," ·"," ",r.refundStatuses[i.refund.status]??i.refund.status]}),a("p",{children:[r.refundMode," ",a("strong",{class:"mode",children:i.refund.mode?r.refundModes[i.refund.mode]:"—"})]}),a("p",{children:[r.refundBy," ",a("strong",{class:"expected",children:it(i.refund.expectedBy)})]})]}),c&&a("p",{class:"error",role:"alert",children:c}),k&&a("button",{class:"danger",disabled:p,onClick:s,children:r.cancel})]})}function Un({patientId:e,onOpen:t}){const{session:n,t:r}=re(),[i,o]=v(null),[c,d]=v(null);return Y(()=>{W(n,En,{patientId:e,status:null,first:20,after:null}).then(p=>o(p.orders.edges.map(l=>l.node))).catch(p=>d(p.message))},[e,n]),c?a("p",{class:"error",children:c}):i?i.length?a("ul",{class:"list",children:i.map(p=>a("li",{children:a("button",{class:"row",onClick:()=>t(p.id),children:[a("span",{children:[p.appointment?.date," ",p.appointment?.department?.name??p.items[0]?.name]}),a("small",{children:[r.orderStatus[p.status]??p.status," · ",ae(p.amount)]})]})},p.id))}):a("p",{class:"muted",children:r.noOrders}):a("p",{class:"muted",children:r.loading})}function Fn({onVerified:e}){const{session:t,t:n}=re(),[r,i]=v(""),[o,c]=v(""),[d,p]=v(""),[l,h]=v(null),[b,s]=v(!1),f=async k=>{k.preventDefault(),s(!0),h(null);try{const{verifyIdentity:u}=await W(t,hn,{input:{name:r.trim(),idNumber:o.trim(),phone:d.trim()}});u.__typename==="VerifyIdentitySuccess"?e():"message"in u&&h(u.message)}catch(u){h(u.message)}finally{s(!1)}},g=(k,u,_,m)=>a("label",{class:"field",children:[a("span",{children:k}),a("input",{value:u,inputMode:m,required:!0,onInput:y=>_(y.target.value)})]});return a("form",{class:"card",onSubmit:f,children:[a("h2",{children:n.verifyTitle}),a("p",{class:"muted",children:n.verifyIntro}),g(n.name,r,i,"text"),g(n.idNumber,o,c,"text"),g(n.phone,d,p,"tel"),l&&a("p",{class:"error",role:"alert",children:l}),a("button",{class:"primary",type:"submit",disabled:b,children:n.verify})]})}const at="hospital-h5:language";function Ln(){const e=new URLSearchParams(window.location.search).get("order");return e?{name:"order",id:e}:{name:"book"}}function Mn(){const[e,t]=v(window.localStorage.getItem(at)??"zh-CN"),[n,r]=v(Jt()),[i,o]=v(null),[c,d]=v(null),[p,l]=v(!0),[h,b]=v(Ln()),[s,f]=v(null),g=Nt[e],k=qt(()=>({token:n,language:e}),[n,e]);Y(()=>{document.documentElement.lang=e,document.title=g.title,window.localStorage.setItem(at,e)},[e]),Y(()=>{const y=en();if(y!==null){if("mismatch"in y){d(g.signInStateMismatch);return}l(!0),W({token:null,language:e},fn,{code:y.code}).then(({signIn:S})=>{S.__typename==="SignInSuccess"?(Se(S.token),r(S.token)):"message"in S&&d(S.message)}).catch(S=>d(S.message)).finally(()=>l(!1))}},[]);const u=()=>{if(!n){l(!1);return}l(!0),W(k,yn,{}).then(({me:y})=>{o(y),y&&y.patients.length&&!y.patients.some(S=>S.id===s)&&f(y.patients[0].id)}).catch(y=>{y.code==="UNAUTHENTICATED"?(Se(null),r(null)):d(y.message)}).finally(()=>l(!1))};Y(u,[n]);const _=()=>{Se(null),r(null),o(null)};let m;if(p&&!i)m=a("p",{class:"muted",children:g.loading});else if(!n||!i)m=a("section",{class:"card",children:[a("p",{children:g.signInIntro}),a("button",{class:"primary",onClick:Zt,children:g.signInWechat})]});else if(!i.verified)m=a(Fn,{onVerified:u});else{const y=i.patients;m=a(ce,{children:[a("label",{class:"patient",children:[g.patient," ",a("select",{value:s??"",onChange:S=>f(S.target.value),children:y.map(S=>a("option",{value:S.id,children:S.name},S.id))})]}),a("nav",{class:"tabs",children:[a("button",{class:h.name==="book"?"active":"",onClick:()=>b({name:"book"}),children:g.departments}),a("button",{class:h.name==="orders"||h.name==="order"?"active":"",onClick:()=>b({name:"orders"}),children:g.myOrders}),a("button",{class:h.name==="family"?"active":"",onClick:()=>b({name:"family"}),children:g.family})]}),h.name==="book"&&s&&a(xn,{patientId:s,onBooked:S=>b({name:"order",id:S})}),h.name==="orders"&&a(Un,{patientId:s,onOpen:S=>b({name:"order",id:S})}),h.name==="family"&&a($n,{patients:y,onBound:u}),h.name==="order"&&a(Rn,{id:h.id,onBack:()=>b({name:"orders"})}),a(On,{})]})}return a(xt.Provider,{value:{session:k,language:e},children:[a("header",{children:[a("h1",{children:g.title}),a("span",{class:"spacer"}),i&&a("button",{class:"link",onClick:_,children:g.signOut}),a("button",{class:"link",lang:e==="en"?"zh-CN":"en",onClick:()=>t(e==="en"?"zh-CN":"en"),children:g.switchLanguage})]}),a("main",{children:[c&&a("p",{class:"error",role:"alert",children:c}),m]})]})}Mt(a(Mn,{}),document.getElementById("app"));
