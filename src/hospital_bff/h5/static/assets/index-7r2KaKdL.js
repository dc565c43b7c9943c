var Pt=Object.defineProperty;var Tt=(e,t,n)=>t in e?Pt(e,t,{enumerable:!0,configurable:!0,writable:!0,value:n}):e[t]=n;var q=(e,t,n)=>Tt(e,typeof t!="symbol"?t+"":t,n);(function(){const t=document.createElement("link").relList;if(t&&t.supports&&t.supports("modulepreload"))return;for(const o of document.querySelectorAll('link[rel="modulepreload"]'))r(o);new MutationObserver(o=>{for(const i of o)if(i.type==="childList")for(const a of i.addedNodes)a.tagName==="LINK"&&a.rel==="modulepreload"&&r(a)}).observe(document,{childList:!0,subtree:!0});function n(o){const i={};return o.integrity&&(i.integrity=o.integrity),o.referrerPolicy&&(i.referrerPolicy=o.referrerPolicy),o.crossOrigin==="use-credentials"?i.credentials="include":o.crossOrigin==="anonymous"?i.credentials="omit":i.credentials="same-origin",i}function r(o){if(o.ep)return;o.ep=!0;const i=n(o);fetch(o.href,i)}})();var ye,N,ct,Q,qe,lt,dt,ke,ue,ie,ut,Ce,Ee,Ne,pt,fe={},he=[],Dt=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,be=Array.isArray;function j(e,t){for(var n in t)e[n]=t[n];return e}function Re(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Ot(e,t,n){var r,o,i,a={};for(i in t)i=="key"?r=t[i]:i=="ref"?o=t[i]:a[i]=t[i];if(arguments.length>2&&(a.children=arguments.length>3?ye.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(i in e.defaultProps)a[i]===void 0&&(a[i]=e.defaultProps[i]);return pe(e,a,r,o,null)}function pe(e,t,n,r,o){var i={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:o??++ct,__i:-1,__u:0};return o==null&&N.vnode!=null&&N.vnode(i),i}function ae(e){return e.children}function _e(e,t){this.props=e,this.context=t}function X(e,t){if(t==null)return e.__?X(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?X(e):null}function Ct(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,r=[],o=[],i=j({},t);i.__v=t.__v+1,N.vnode&&N.vnode(i),Ue(e.__P,i,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,r,n??X(t),!!(32&t.__u),o),i.__v=t.__v,i.__.__k[i.__i]=i,gt(r,i,o),t.__e=t.__=null,i.__e!=n&&_t(i)}}function _t(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),_t(e)}function xe(e){(!e.__d&&(e.__d=!0)&&Q.push(e)&&!ge.__r++||qe!=N.debounceRendering)&&((qe=N.debounceRendering)||lt)(ge)}function ge(){try{for(var e,t=1;Q.length;)Q.length>t&&Q.sort(dt),e=Q.shift(),t=Q.length,Ct(e)}finally{Q.length=ge.__r=0}}function mt(e,t,n,r,o,i,a,d,p,l,f){var w,s,m,h,S,u,_=r&&r.__k||he,g=t.length;for(p=Rt(n,t,_,p,g),w=0;w<g;w++)(m=n.__k[w])!=null&&(s=m.__i!=-1&&_[m.__i]||fe,m.__i=w,u=Ue(e,m,s,o,i,a,d,p,l,f),h=m.__e,m.ref&&s.ref!=m.ref&&(s.ref&&Fe(s.ref,null,m),f.push(m.ref,m.__c||h,m)),S==null&&h!=null&&(S=h),4&m.__u?(p=ft(m,p,e),s.__e&&(s.__e=null)):typeof m.type=="function"&&u!==void 0?p=u:h&&(p=h.nextSibling),m.__u&=-7);return n.__e=S,p}function Rt(e,t,n,r,o){var i,a,d,p,l,f=n.length,w=f,s=0;for(e.__k=new Array(o),i=0;i<o;i++)(a=t[i])!=null&&typeof a!="boolean"&&typeof a!="function"?(typeof a=="string"||typeof a=="number"||typeof a=="bigint"||a.constructor==String?a=e.__k[i]=pe(null,a,null,null,null):be(a)?a=e.__k[i]=pe(ae,{children:a},null,null,null):a.constructor===void 0&&a.__b>0?a=e.__k[i]=pe(a.type,a.props,a.key,a.ref?a.ref:null,a.__v):e.__k[i]=a,p=i+s,a.__=e,a.__b=e.__b+1,d=null,(l=a.__i=Ut(a,n,p,w))!=-1&&(w--,(d=n[l])&&(d.__u|=2)),d==null||d.__v==null?(l==-1&&(o>f?s--:o<f&&s++),typeof a.type!="function"&&(a.__u|=4)):l!=p&&(l==p-1?s--:l==p+1?s++:(l>p?s--:s++,a.__u|=4))):e.__k[i]=null;if(w)for(i=0;i<f;i++)(d=n[i])!=null&&(2&d.__u)==0&&(d.__e==r&&(r=X(d)),bt(d,d));return r}function ft(e,t,n){var r,o;if(typeof e.type=="function"){for(r=e.__k,o=0;r&&o<r.length;o++)r[o]&&(r[o].__=e,t=ft(r[o],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=X(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Ut(e,t,n,r){var o,i,a,d=e.key,p=e.type,l=t[n],f=l!=null&&(2&l.__u)==0;if(l===null&&d==null||f&&d==l.key&&p==l.type)return n;if(r>(f?1:0)){for(o=n-1,i=n+1;o>=0||i<t.length;)if((l=t[a=o>=0?o--:i++])!=null&&(2&l.__u)==0&&d==l.key&&p==l.type)return a}return-1}function Ge(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Dt.test(t)?n:n+"px"}function de(e,t,n,r,o){var i,a;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||Ge(e.style,t,"");if(n)for(t in n)r&&n[t]==r[t]||Ge(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")i=t!=(t=t.replace(ut,"$1")),a=t.toLowerCase(),t=a in e||t=="onFocusOut"||t=="onFocusIn"?a.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+i]=n,n?r?n[ie]=r[ie]:(n[ie]=Ce,e.addEventListener(t,i?Ne:Ee,i)):e.removeEventListener(t,i?Ne:Ee,i);else{if(o=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function ze(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[ue]==null)t[ue]=Ce++;else if(t[ue]<n[ie])return;return n(N.event?N.event(t):t)}}}function Ue(e,t,n,r,o,i,a,d,p,l){var f,w,s,m,h,S,u,_,g,y,v,U,F,Z,H,K,L=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(p=!!(32&n.__u),i=[d=t.__e=n.__e]),(f=N.__b)&&f(t);e:if(typeof L=="function"){w=a.length;try{if(g=t.props,y=L.prototype&&L.prototype.render,v=(f=L.contextType)&&r[f.__c],U=f?v?v.props.value:f.__:r,n.__c?_=(s=t.__c=n.__c).__=s.__E:(y?t.__c=s=new L(g,U):(t.__c=s=new _e(g,U),s.constructor=L,s.render=Mt),v&&v.sub(s),s.state||(s.state={}),s.__n=r,m=s.__d=!0,s.__h=[],s._sb=[]),y&&s.__s==null&&(s.__s=s.state),y&&L.getDerivedStateFromProps!=null&&(s.__s==s.state&&(s.__s=j({},s.__s)),j(s.__s,L.getDerivedStateFromProps(g,s.__s))),h=s.props,S=s.state,s.__v=t,m)y&&L.getDerivedStateFromProps==null&&s.componentWillMount!=null&&s.componentWillMount(),y&&s.componentDidMount!=null&&s.__h.push(s.componentDidMount);else{if(y&&L.getDerivedStateFromProps==null&&g!==h&&s.componentWillReceiveProps!=null&&s.componentWillReceiveProps(g,U),t.__v==n.__v||!s.__e&&s.shouldComponentUpdate!=null&&s.shouldComponentUpdate(g,s.__s,U)===!1){t.__v!=n.__v&&(s.props=g,s.state=s.__s,s.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(z){z&&(z.__=t)}),he.push.apply(s.__h,s._sb),s._sb=[],s.__h.length&&a.push(s),d=X(n);break e}s.componentWillUpdate!=null&&s.componentWillUpdate(g,s.__s,U),y&&s.componentDidUpdate!=null&&s.__h.push(function(){s.componentDidUpdate(h,S,u)})}if(s.context=U,s.props=g,s.__P=e,s.__e=!1,F=N.__r,Z=0,y)s.state=s.__s,s.__d=!1,F&&F(t),f=s.render(s.props,s.state,s.context),he.push.apply(s.__h,s._sb),s._sb=[];else do s.__d=!1,F&&F(t),f=s.render(s.props,s.state,s.context),s.state=s.__s;while(s.__d&&++Z<25);s.state=s.__s,s.getChildContext!=null&&(r=j(j({},r),s.getChildContext())),y&&!m&&s.getSnapshotBeforeUpdate!=null&&(u=s.getSnapshotBeforeUpdate(h,S)),H=f!=null&&f.type===ae&&f.key==null?yt(f.props.children):f,d=mt(e,be(H)?H:[H],t,n,r,o,i,a,d,p,l),s.base=t.__e,t.__u&=-161,s.__h.length&&a.push(s),_&&(s.__E=s.__=null)}catch(z){if(a.length=w,t.__v=null,p||i!=null){if(z.then){for(t.__u|=p?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;i!=null&&(i[i.indexOf(d)]=null),t.__e=d}else if(i!=null)for(K=i.length;K--;)Re(i[K])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),z.then||ht(t),N.__e(z,t,n)}}else i==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):d=t.__e=Ft(n.__e,t,n,r,o,i,a,p,l);return(f=N.diffed)&&f(t),128&t.__u?void 0:d}function ht(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(ht))}function gt(e,t,n){for(var r=0;r<n.length;r++)Fe(n[r],n[++r],n[++r]);N.__c&&N.__c(t,e),e.some(function(o){try{e=o.__h,o.__h=[],e.some(function(i){i.call(o)})}catch(i){N.__e(i,o.__v)}})}function yt(e){return typeof e!="object"||e==null||e.__b>0?e:be(e)?e.map(yt):e.constructor!==void 0?null:j({},e)}function Ft(e,t,n,r,o,i,a,d,p){var l,f,w,s,m,h,S,u=n.props||fe,_=t.props,g=t.type;if(g=="svg"?o="http://www.w3.org/2000/svg":g=="math"?o="http://www.w3.org/1998/Math/MathML":o||(o="http://www.w3.org/1999/xhtml"),i!=null){for(l=0;l<i.length;l++)if((m=i[l])&&"setAttribute"in m==!!g&&(g?m.localName==g:m.nodeType==3)){e=m,i[l]=null;break}}if(e==null){if(g==null)return document.createTextNode(_);e=document.createElementNS(o,g,_.is&&_),d&&(N.__m&&N.__m(t,i),d=!1),i=null}if(g==null)u===_||d&&e.data==_||(e.data=_);else{if(i=g=="textarea"&&_.defaultValue!=null?null:i&&ye.call(e.childNodes),!d&&i!=null)for(u={},l=0;l<e.attributes.length;l++)u[(m=e.attributes[l]).name]=m.value;for(l in u)m=u[l],l=="dangerouslySetInnerHTML"?w=m:l=="children"||l in _||l=="value"&&"defaultValue"in _||l=="checked"&&"defaultChecked"in _||de(e,l,null,m,o);for(l in _)m=_[l],l=="children"?s=m:l=="dangerouslySetInnerHTML"?f=m:l=="value"?h=m:l=="checked"?S=m:d&&typeof m!="function"||u[l]===m||de(e,l,m,u[l],o);if(f)d||w&&(f.__html==w.__html||f.__html==e.innerHTML)||(e.innerHTML=f.__html),t.__k=[];else if(w&&(e.innerHTML=""),mt(t.type=="template"?e.content:e,be(s)?s:[s],t,n,r,g=="foreignObject"?"http://www.w3.org/1999/xhtml":o,i,a,i?i[0]:n.__k&&X(n,0),d,p),i!=null)for(l=i.length;l--;)Re(i[l]);d&&g!="textarea"||(l="value",g=="progress"&&h==null?e.removeAttribute("value"):h!=null&&(h!==e[l]||g=="progress"&&!h||g=="option"&&h!=u[l])&&de(e,l,h,u[l],o),l="checked",S!=null&&S!=e[l]&&de(e,l,S,u[l],o))}return e}function Fe(e,t,n){try{if(typeof e=="function"){var r=typeof e.__u=="function";r&&e.__u(),r&&t==null||(e.__u=e(t))}else e.current=t}catch(o){N.__e(o,n)}}function bt(e,t,n){var r,o;if(N.unmount&&N.unmount(e),(r=e.ref)&&(r.current&&r.current!=e.__e||Fe(r,null,t)),(r=e.__c)!=null){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(i){N.__e(i,t)}r.base=r.__P=r.__n=null}if(r=e.__k)for(o=0;o<r.length;o++)r[o]&&bt(r[o],t,n||typeof e.type!="function");n||Re(e.__e),e.__c=e.__=e.__e=void 0}function Mt(e,t,n){return this.constructor(e,n)}function Lt(e,t,n){var r,o,i,a;t==document&&(t=document.documentElement),N.__&&N.__(e,t),o=(r=!1)?null:t.__k,i=[],a=[],Ue(t,e=t.__k=Ot(ae,null,[e]),o||fe,fe,t.namespaceURI,o?null:t.firstChild?ye.call(t.childNodes):null,i,o?o.__e:t.firstChild,r,a),gt(i,e,a),e.props.children=null}function Bt(e){function t(n){var r,o;return this.getChildContext||(r=new Set,(o={})[t.__c]=this,this.getChildContext=function(){return o},this.componentWillUnmount=function(){r=null},this.shouldComponentUpdate=function(i){this.props.value!=i.value&&r.forEach(function(a){a.__e=!0,xe(a)})},this.sub=function(i){r.add(i);var a=i.componentWillUnmount;i.componentWillUnmount=function(){r&&r.delete(i),a&&a.call(i)}}),n.children}return t.__c="__cC"+pt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,r){return n.children(r)}).contextType=t,t}ye=he.slice,N={__e:function(e,t,n,r){for(var o,i,a;t=t.__;)if((o=t.__c)&&!o.__)try{if((i=o.constructor)&&i.getDerivedStateFromError!=null&&(o.setState(i.getDerivedStateFromError(e)),a=o.__d),o.componentDidCatch!=null&&(o.componentDidCatch(e,r||{}),a=o.__d),a)return o.__E=o}catch(d){e=d}throw e}},ct=0,_e.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=j({},this.state),typeof e=="function"&&(e=e(j({},n),this.props)),e&&j(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),xe(this))},_e.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),xe(this))},_e.prototype.render=ae,Q=[],lt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,dt=function(e,t){return e.__v.__b-t.__v.__b},ge.__r=0,ke=Math.random().toString(8),ue="__d"+ke,ie="__a"+ke,ut=/(PointerCapture)$|Capture$/i,Ce=0,Ee=ze(!1),Ne=ze(!0),pt=0;var Wt=0;function c(e,t,n,r,o,i){t||(t={});var a,d,p=t;if("ref"in p)for(d in p={},t)d=="ref"?a=t[d]:p[d]=t[d];var l={type:e,props:p,key:n,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Wt,__i:-1,__u:0,__source:o,__self:i};if(typeof e=="function"&&(a=e.defaultProps))for(d in a)p[d]===void 0&&(p[d]=a[d]);return N.vnode&&N.vnode(l),l}var ne,$,Ie,Ve,$e=0,wt=[],O=N,je=O.__b,Ke=O.__r,Qe=O.diffed,Ye=O.__c,Je=O.unmount,Xe=O.__;function we(e,t){O.__h&&O.__h($,e,$e||t),$e=0;var n=$.__H||($.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function P(e){return $e=1,Ht(It,e)}function Ht(e,t,n){var r=we(ne++,2);if(r.t=e,!r.__c&&(r.__=[It(void 0,t),function(d){var p=r.__N?r.__N[0]:r.__[0],l=r.t(p,d);p!==l&&(r.__N=[l,r.__[1]],r.__c.setState({}))}],r.__c=$,!$.__f)){var o=function(d,p,l){if(!r.__c.__H)return!0;var f=!1,w=r.__c.props!==d;if(r.__c.__H.__.some(function(m){if(m.__N){f=!0;var h=m.__[0];m.__=m.__N,m.__N=void 0,h!==m.__[0]&&(w=!0)}}),i){var s=i.call(this,d,p,l);return f?s||w:s}return!f||w};$.__f=!0;var i=$.shouldComponentUpdate,a=$.componentWillUpdate;$.componentWillUpdate=function(d,p,l){if(this.__e){var f=i;i=void 0,o(d,p,l),i=f}a&&a.call(this,d,p,l)},$.shouldComponentUpdate=o}return r.__N||r.__}function Y(e,t){var n=we(ne++,3);!O.__s&&kt(n.__H,t)&&(n.__=e,n.u=t,$.__H.__h.push(n))}function qt(e,t){var n=we(ne++,7);return kt(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Gt(e){var t=$.context[e.__c],n=we(ne++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub($)),t.props.value):e.__}function zt(){for(var e;e=wt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(me),t.__h.some(Pe),t.__h=[]}catch(n){t.__h=[],O.__e(n,e.__v)}}}O.__b=function(e){$=null,je&&je(e)},O.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Xe&&Xe(e,t)},O.__r=function(e){Ke&&Ke(e),ne=0;var t=($=e.__c).__H;t&&(Ie===$?(t.__h=[],$.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(me),t.__h.some(Pe),t.__h=[],ne=0)),Ie=$},O.diffed=function(e){Qe&&Qe(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(wt.push(t)!==1&&Ve===O.requestAnimationFrame||((Ve=O.requestAnimationFrame)||Vt)(zt)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),Ie=$=null},O.__c=function(e,t){t.some(function(n){try{n.__h.some(me),n.__h=n.__h.filter(function(r){return!r.__||Pe(r)})}catch(r){t.some(function(o){o.__h&&(o.__h=[])}),t=[],O.__e(r,n.__v)}}),Ye&&Ye(e,t)},O.unmount=function(e){Je&&Je(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{me(r)}catch(o){t=o}}),n.__H=void 0,t&&O.__e(t,n.__v))};var Ze=typeof requestAnimationFrame=="function";function Vt(e){var t,n=function(){clearTimeout(r),Ze&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);Ze&&(t=requestAnimationFrame(n))}function me(e){var t=$,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),$=t}function Pe(e){var t=$;e.__c=e.__(),$=t}function kt(e,t){return!e||e.length!==t.length||t.some(function(n,r){return n!==e[r]})}function It(e,t){return typeof t=="function"?t(e):t}const jt={},Me=jt;function St(e){return new URL(e,window.location.href).toString()}const At=St(Me.VITE_GRAPHQL_URL??"/graphql"),Kt=At.replace(/^http/,"ws"),Qt=St(Me.VITE_WECHAT_AUTHORIZE_URL??"/sim/wechat/connect/oauth2/authorize"),Yt=Me.VITE_WECHAT_APP_ID??"wx-hospital-demo",Te="hospital-h5:sign-in-state",De="hospital-h5:token";function Jt(){return window.sessionStorage.getItem(De)}function Se(e){e?window.sessionStorage.setItem(De,e):window.sessionStorage.removeItem(De)}function Xt(){const e=crypto.getRandomValues(new Uint8Array(16));return Array.from(e,t=>t.toString(16).padStart(2,"0")).join("")}function Le(){return window.location.origin+window.location.pathname}function Zt(){const e=Xt();window.sessionStorage.setItem(Te,e);const t=new URL(Qt);t.search=new URLSearchParams({appid:Yt,redirect_uri:Le(),response_type:"code",scope:"snsapi_base",state:e}).toString(),t.hash="wechat_redirect",window.location.assign(t.toString())}function en(){const e=new URLSearchParams(window.location.search),t=e.get("code");if(!t)return null;const n=e.get("state"),r=window.sessionStorage.getItem(Te);window.sessionStorage.removeItem(Te),e.delete("code"),e.delete("state");const o=e.toString();return window.history.replaceState(null,"",Le()+(o?`?${o}`:"")),r!==null&&r===n?{code:t}:{mismatch:!0}}function M(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function J(e){return M(e)==="object"}function tn(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function et(e,t){return e.length<124?e:t}const nn="graphql-transport-ws";var B=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(B||{}),W=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(W||{});function vt(e){if(!J(e))throw new Error(`Message is expected to be an object, but got ${M(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${M(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${M(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${M(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${M(e.payload.query)}`);if(e.payload.variables!=null&&!J(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${M(e.payload.variables)}`);if(e.payload.operationName!=null&&M(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${M(e.payload.operationName)}`);if(e.payload.extensions!=null&&!J(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${M(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${M(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!J(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${M(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${M(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!tn(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${M(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function rn(e,t){return vt(typeof e=="string"?JSON.parse(e,t):e)}function re(e,t){return vt(e),JSON.stringify(e,t)}function on(e){const{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:o=console.error,lazyCloseTimeout:i=0,keepAlive:a=0,disablePong:d,connectionAckWaitTimeout:p=0,retryAttempts:l=5,retryWait:f=async function(x){const b=Math.pow(2,x);await new Promise(A=>setTimeout(A,b*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:w=Ae,on:s,webSocketImpl:m,generateID:h=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,x=>{const b=Math.random()*16|0;return(x=="x"?b:b&3|8).toString(16)})},jsonMessageReplacer:S,jsonMessageReviver:u}=e;let _;if(m){if(!an(m))throw new Error("Invalid WebSocket implementation provided");_=m}else typeof WebSocket<"u"?_=WebSocket:typeof global<"u"?_=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");const g=_,y=(()=>{const k=(()=>{const b={};return{on(A,T){return b[A]=T,()=>{delete b[A]}},emit(A){"id"in A&&b[A.id]?.(A)}}})(),x={connecting:s?.connecting?[s.connecting]:[],opened:s?.opened?[s.opened]:[],connected:s?.connected?[s.connected]:[],ping:s?.ping?[s.ping]:[],pong:s?.pong?[s.pong]:[],message:s?.message?[k.emit,s.message]:[k.emit],closed:s?.closed?[s.closed]:[],error:s?.error?[s.error]:[]};return{onMessage:k.on,on(b,A){const T=x[b];return T.push(A),()=>{const D=T.indexOf(A);D>-1&&T.splice(D,1)}},emit(b,...A){for(const T of[...x[b]])T(...A)}}})();function v(k){const x=[y.on("error",b=>{x.forEach(A=>A()),k(b)}),y.on("closed",b=>{x.forEach(A=>A()),k(b)})];return()=>x.forEach(b=>b())}let U,F=0,Z,H=!1,K=0,L=!1;async function z(){clearTimeout(Z);const[k,x]=await(U??(U=new Promise((T,D)=>(async()=>{if(H){if(await f(K),!F)return U=void 0,D({code:1e3,reason:"All Subscriptions Gone"});K++}y.emit("connecting",H);const I=new g(typeof t=="function"?await t():t,nn);let V,ee;function le(){isFinite(a)&&a>0&&(clearTimeout(ee),ee=setTimeout(()=>{I.readyState===g.OPEN&&(I.send(re({type:W.Ping})),y.emit("ping",!1,void 0))},a))}v(R=>{U=void 0,clearTimeout(V),clearTimeout(ee),D(R),R instanceof tt&&(I.close(4499,"Terminated"),I.onerror=null,I.onclose=null)}),I.onerror=R=>y.emit("error",R),I.onclose=R=>y.emit("closed",R),I.onopen=async()=>{try{y.emit("opened",I);const R=typeof n=="function"?await n():n;if(I.readyState!==g.OPEN)return;I.send(re(R?{type:W.ConnectionInit,payload:R}:{type:W.ConnectionInit},S)),isFinite(p)&&p>0&&(V=setTimeout(()=>{I.close(B.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},p)),le()}catch(R){y.emit("error",R),I.close(B.InternalClientError,et(R instanceof Error?R.message:String(R),"Internal client error"))}};let te=!1;I.onmessage=({data:R})=>{try{const C=rn(R,u);if(y.emit("message",C),C.type==="ping"||C.type==="pong"){y.emit(C.type,!0,C.payload),C.type==="pong"?le():d||(I.send(re(C.payload?{type:W.Pong,payload:C.payload}:{type:W.Pong},S)),y.emit("pong",!1,C.payload));return}if(te)return;if(C.type!==W.ConnectionAck)throw new Error(`First message cannot be of type ${C.type}`);clearTimeout(V),te=!0,y.emit("connected",I,C.payload,H),H=!1,K=0;const He=new Promise((Fn,$t)=>v($t));He.catch(()=>{}),T([I,He])}catch(C){I.onmessage=null,y.emit("error",C),I.close(B.BadResponse,et(C instanceof Error?C.message:String(C),"Bad response"))}}})())));k.readyState===g.CLOSING&&await x;let b=()=>{};const A=new Promise(T=>b=T);return[k,b,new Promise((T,D)=>{const I=v(D);k.readyState!==g.OPEN&&x.catch(D),A.then(()=>{if(I(),!F){const V=()=>k.close(1e3,"Normal Closure");isFinite(i)&&i>0?(clearTimeout(Z),Z=setTimeout(()=>{!F&&k.readyState===g.OPEN&&V()},i)):V()}T()})})]}function Be(k){if(Ae(k)&&(sn(k.code)||[B.InternalServerError,B.InternalClientError,B.BadRequest,B.BadResponse,B.Unauthorized,B.SubprotocolNotAcceptable,B.SubscriberAlreadyExists,B.TooManyInitialisationRequests].includes(k.code)))throw k;if(L)return!1;if(Ae(k)&&k.code===1e3)return F>0;if(!l||K>=l||!w(k))throw k;return H=!0}r||(async()=>{for(F++;;)try{const[,,k]=await z();await k}catch(k){try{if(!Be(k))return}catch(x){return o?.(x)}}})();function We(k,x){const b=h(k);let A=!1,T=!1,D=()=>{F--,A=!0};return(async()=>{for(F++;;)try{const[I,V,ee]=await z();if(A)return ee.catch(()=>{}),V();const le=y.onMessage(b,te=>{switch(te.type){case W.Next:{x.next(te.payload);return}case W.Error:{T=!0,A=!0,x.error(te.payload),D();return}case W.Complete:{A=!0,D();return}}});I.send(re({id:b,type:W.Subscribe,payload:k},S)),D=()=>{!A&&I.readyState===g.OPEN&&I.send(re({id:b,type:W.Complete},S)),F--,A=!0,V()},await ee.finally(le);return}catch(I){if(!Be(I))return}})().then(()=>{T||x.complete()}).catch(I=>{x.error(I)}),()=>{A||D()}}return{on:y.on,subscribe:We,iterate(k){const x=[],b={done:!1,error:null,resolve:()=>{}},A=We(k,{next(D){x.push(D),b.resolve()},error(D){b.done=!0,b.error=D,b.resolve()},complete(){b.done=!0,b.resolve()}}),T=(async function*(){for(;;){for(x.length||await new Promise(I=>b.resolve=I);x.length;)yield x.shift();if(b.error)throw b.error;if(b.done)return}})();return T.throw=async D=>(b.done||(b.done=!0,b.error=D,b.resolve()),{done:!0,value:void 0}),T.return=async()=>(A(),{done:!0,value:void 0}),T},async dispose(){if(L=!0,U){const[k]=await U;k.close(1e3,"Normal Closure")}},terminate(){U&&y.emit("closed",new tt)}}}class tt extends Error{constructor(){super(...arguments);q(this,"name","TerminatedCloseEvent");q(this,"message","4499: Terminated");q(this,"code",4499);q(this,"reason","Terminated");q(this,"wasClean",!1)}}function Ae(e){return J(e)&&"code"in e&&"reason"in e}function sn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function an(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}class Oe extends Error{constructor(n,r){super(n);q(this,"code");this.code=r}}const cn="PERSISTED_QUERY_NOT_FOUND",nt=new Map;async function ln(e){if(!globalThis.crypto?.subtle)return null;const t=await crypto.subtle.digest("SHA-256",new TextEncoder().encode(e));return Array.from(new Uint8Array(t),n=>n.toString(16).padStart(2,"0")).join("")}async function dn(e){const t=nt.get(e);if(t)return t;const n=await ln(e);return n&&nt.set(e,n),n}function un(e){const t={"content-type":"application/json",accept:"application/graphql-response+json, application/json","accept-language":e.language};return e.token&&(t.authorization=`Bearer ${e.token}`),t}async function ve(e,t){const n=await fetch(At,{method:"POST",headers:un(e),body:JSON.stringify(t)});if(!(n.headers.get("content-type")??"").includes("json"))throw new Oe(`HTTP ${n.status}`,null);return await n.json()}function rt(e){return e.errors?.[0]?.extensions?.code??null}async function G(e,t,n){const r=t.toString(),o=await dn(r);let i;if(o){const a={version:1,sha256Hash:o};i=await ve(e,{variables:n,extensions:{persistedQuery:a}}),rt(i)===cn&&(i=await ve(e,{query:r,variables:n,extensions:{persistedQuery:a}}))}else i=await ve(e,{query:r,variables:n});if(i.errors?.length)throw new Oe(i.errors[0].message,rt(i));if(!i.data)throw new Oe("no data",null);return i.data}let oe=null;function pn(e){if(oe&&oe.token===e.token)return oe.client;oe?.client.dispose();const t=e.token,n=on({url:Kt,connectionParams:t?{Authorization:`Bearer ${t}`}:{},lazy:!0,retryAttempts:5});return oe={client:n,token:t},n}function Et(e,t,n,r){return pn(e).subscribe({query:t.toString(),variables:n},{next:o=>{o.data&&r(o.data)},error:()=>{},complete:()=>{}})}const _n={title:"门诊挂号",switchLanguage:"English",signInWechat:"微信授权登录",signInIntro:"通过微信公众号授权登录后挂号、缴费、查看报告。",signingIn:"正在登录…",signInStateMismatch:"登录链接已失效，请重新登录",signOut:"退出",verifyTitle:"实名认证",verifyIntro:"首次使用请填写就诊人身份信息（与医院登记一致）。",name:"姓名",idNumber:"身份证号",phone:"手机号",verify:"认证",patient:"就诊人",departments:"科室",myOrders:"我的挂号",back:"返回",noSchedules:"近 7 天无排班",remaining:"余号",fee:"挂号费",eligible:"可预约",full:"已约满",ended:"本时段已结束",book:"预约",confirmBook:"确认预约",order:"订单",status:"状态",amount:"金额",payNow:"去支付",paying:"正在等待支付结果…",ticket:"就诊凭条",ticketNumber:"序号",suggestedArrival:"建议到院时间",location:"就诊地点",cancel:"取消预约",confirmCancel:"确认取消预约？已付款项将原路退回。",refund:"退款",refundMode:"退款方式",refundBy:"预计到账",refundStatus:"退款状态",noOrders:"暂无挂号记录",loading:"加载中…",live:"实时通知",period:{MORNING:"上午",AFTERNOON:"下午",EVENING:"夜间"},orderStatus:{AWAITING_PAYMENT:"待支付",PAID:"已支付，医院确认中",CONFIRMED:"已预约",EXPIRED:"已过期",CANCELLED:"已取消",FAILED:"医院未能确认，将退款",COMPLETED:"已就诊"},refundModes:{REVERSAL:"当日冲正，即时到账",REFUND:"原路退款，即时到账",BATCH:"次日批量退款，7 日内到账"},refundStatuses:{PENDING:"待退款",PROCESSING:"退款中",SUCCEEDED:"已退款",FAILED:"退款失败，请联系医院"}},mn={title:"Outpatient booking",switchLanguage:"中文",signInWechat:"Sign in with WeChat",signInIntro:"Sign in through the official account to book, pay and read reports.",signingIn:"Signing in…",signInStateMismatch:"This sign-in link has expired; please sign in again",signOut:"Sign out",verifyTitle:"Verify your identity",verifyIntro:"First time here: enter the patient's details as the hospital records them.",name:"Name",idNumber:"ID number",phone:"Mobile",verify:"Verify",patient:"Patient",departments:"Departments",myOrders:"My bookings",back:"Back",noSchedules:"No clinics in the next 7 days",remaining:"Left",fee:"Fee",eligible:"Bookable",full:"Full",ended:"This clinic is over",book:"Book",confirmBook:"Confirm booking",order:"Order",status:"Status",amount:"Amount",payNow:"Pay",paying:"Waiting for the payment…",ticket:"Ticket",ticketNumber:"Number",suggestedArrival:"Suggested arrival",location:"Where",cancel:"Cancel booking",confirmCancel:"Cancel this booking? The money goes back the way it came.",refund:"Refund",refundMode:"Refund mode",refundBy:"Expected by",refundStatus:"Refund status",noOrders:"No bookings yet",loading:"Loading…",live:"Live notices",period:{MORNING:"Morning",AFTERNOON:"Afternoon",EVENING:"Evening"},orderStatus:{AWAITING_PAYMENT:"Awaiting payment",PAID:"Paid, the hospital is confirming",CONFIRMED:"Booked",EXPIRED:"Expired",CANCELLED:"Cancelled",FAILED:"Not confirmed by the hospital; refunding",COMPLETED:"Attended"},refundModes:{REVERSAL:"Same-day reversal: back at once",REFUND:"Refund to the payer: back at once",BATCH:"Next-day batch: back within 7 days"},refundStatuses:{PENDING:"Pending",PROCESSING:"Processing",SUCCEEDED:"Refunded",FAILED:"Failed: please contact the hospital"}},Nt={"zh-CN":_n,en:mn};function se(e){return`¥${(e/100).toFixed(2)}`}function ot(e){return e?`${e.slice(5,10)} ${e.slice(11,16)}`:"—"}const xt=Bt({session:{token:null,language:"zh-CN"},language:"zh-CN"});function ce(){const e=Gt(xt);return{...e,t:Nt[e.language]}}class E extends String{constructor(n,r){super(n);q(this,"__apiType");q(this,"value");q(this,"__meta__");this.value=n,this.__meta__=r}toString(){return this.value}}new E(`
    fragment Problem on UserError {
  code
  message
}
    `,{fragmentName:"Problem"});new E(`
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
    `,{fragmentName:"PatientFields"});new E(`
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
    `,{fragmentName:"ScheduleFields"});new E(`
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
    `,{fragmentName:"OrderFields"});new E(`
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
    `,{fragmentName:"NoticeFields"});const fn=new E(`
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
}`),hn=new E(`
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
}`);new E(`
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
}`);new E(`
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
}`);const gn=new E(`
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
}`),yn=new E(`
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
    `);new E(`
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
    `);new E(`
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
}`);const bn=new E(`
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
}`),wn=new E(`
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
}`),kn=new E(`
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
}`),In=new E(`
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
}`),Sn=new E(`
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
}`),An=new E(`
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
}`);new E(`
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
    `);new E(`
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
}`);new E(`
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
    `);new E(`
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
    `);new E(`
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
    `);new E(`
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
}`);new E(`
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
}`);const vn=new E(`
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
}`),En=new E(`
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
    `);new E(`
    subscription ScheduleAvailability($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) {
    id
    status
    remaining
  }
}
    `);function it(e){return new Date(e.getTime()-e.getTimezoneOffset()*6e4).toISOString().slice(0,10)}function st(e){return e.slice(11,16)}function Nn({patientId:e,onBooked:t}){const{session:n,t:r}=ce(),[o,i]=P(null),[a,d]=P(null),[p,l]=P(null),[f,w]=P(null),[s,m]=P(!1);Y(()=>{G(n,yn,{}).then(u=>i(u.departments)).catch(u=>w(u.message))},[n]),Y(()=>{if(!a)return;l(null);const u=new Date,_=new Date(u.getTime()+6*864e5);G(n,bn,{departmentId:a.id,from:it(u),to:it(_),patientId:e}).then(g=>l(g.schedules)).catch(g=>w(g.message))},[a,e,n]);const h=async u=>{m(!0),w(null);try{const{bookAppointment:_}=await G(n,wn,{input:{patientId:e,slotId:u,idempotencyKey:crypto.randomUUID()}});_.__typename==="BookAppointmentSuccess"?t(_.order.id):"message"in _&&w(_.message)}catch(_){w(_.message)}finally{m(!1)}},S=f&&c("p",{class:"error",role:"alert",children:f});if(!a){if(!o)return S||c("p",{class:"muted",children:r.loading});const u=o.flatMap(_=>_.children.length?_.children.map(g=>({...g,parent:_.name})):[{id:_.id,name:_.name,parent:""}]);return c("section",{children:[S,c("ul",{class:"list",children:u.map(_=>c("li",{children:c("button",{class:"row",onClick:()=>d({id:_.id,name:_.name}),children:[c("span",{children:_.name}),c("small",{class:"muted",children:_.parent})]})},_.id))})]})}return c("section",{children:[c("p",{children:[c("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})," ",c("strong",{children:a.name})]}),S,!p&&c("p",{class:"muted",children:r.loading}),p&&!p.length&&c("p",{class:"muted",children:r.noSchedules}),p?.map(u=>c("article",{class:"card schedule","data-schedule":u.id,"data-date":u.date,children:[c("h3",{children:[u.date," ",r.period[u.period]," · ",u.expert?`${u.expert.name} ${u.expert.title}`:a.name]}),c("p",{class:"muted",children:[r.fee," ",se(u.fee)," · ",r.remaining," ",u.remaining,"/",u.capacity]}),u.eligibility&&!u.eligibility.eligible?c("p",{class:"reason","data-code":u.eligibility.code??"",children:u.eligibility.reason}):c("div",{class:"slots",children:[u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).length===0&&c("p",{class:"muted",children:r.ended}),u.slots.filter(_=>Date.parse(_.endsAt)>Date.now()).map(_=>c("button",{class:"slot",disabled:s||_.remaining<1,title:_.remaining<1?r.full:r.eligible,onClick:()=>h(_.id),children:[st(_.startsAt),"–",st(_.endsAt),c("small",{children:_.remaining<1?r.full:`${r.remaining} ${_.remaining}`})]},_.id))]})]},u.id))]})}const xn=3;function $n(){const{session:e,t}=ce(),[n,r]=P([]);return Y(()=>Et(e,vn,{},o=>r(i=>[o.notices,...i].slice(0,xn))),[e]),n.length?c("aside",{class:"card notices","aria-live":"polite",children:[c("h2",{children:t.live}),n.map(o=>c("p",{children:[c("strong",{children:o.title})," ",o.body]},o.id))]}):null}const Pn=new Set(["AWAITING_PAYMENT","PAID"]),Tn=2e3;function Dn({id:e,onBack:t}){const{session:n,t:r}=ce(),[o,i]=P(null),[a,d]=P(null),[p,l]=P(!1),f=()=>G(n,Sn,{id:e}).then(u=>i(u.order)).catch(u=>d(u.message));Y(()=>{f();const u=Et(n,En,{orderId:e},()=>f()),_=window.setInterval(()=>{document.visibilityState==="visible"&&f()},Tn);return()=>{u(),window.clearInterval(_)}},[e,n]);const w=async()=>{l(!0),d(null);try{const{payOrder:u}=await G(n,kn,{orderId:e,idempotencyKey:`pay-${e}`});if(u.__typename==="PayOrderSuccess"){const _=new URL(u.payment.payUrl);_.searchParams.set("redirect_url",`${Le()}?order=${encodeURIComponent(e)}`),window.location.assign(_.toString());return}"message"in u&&d(u.message)}catch(u){d(u.message)}l(!1)},s=async()=>{if(window.confirm(r.confirmCancel)){l(!0),d(null);try{const{cancelAppointment:u}=await G(n,In,{orderId:e,reason:null});u.__typename==="CancelAppointmentSuccess"?i(u.order):"message"in u&&d(u.message)}catch(u){d(u.message)}finally{l(!1)}}},m=c("p",{children:c("button",{class:"link",onClick:t,children:["← ",r.back]})});if(!o)return c("section",{children:[m,a?c("p",{class:"error",children:a}):c("p",{class:"muted",children:r.loading})]});const h=o.appointment,S=o.kind==="REGISTRATION"&&["AWAITING_PAYMENT","PAID","CONFIRMED"].includes(o.status);return c("section",{children:[m,c("article",{class:"card order","data-status":o.status,children:[c("h2",{children:[r.order," · ",c("span",{class:"status",children:r.orderStatus[o.status]??o.status})]}),h&&c("p",{children:[h.department?.name," ",h.expert?`· ${h.expert.name} ${h.expert.title}`:"",c("br",{}),h.date," ",r.period[h.period]," ",h.startsAt.slice(11,16),"–",h.endsAt.slice(11,16)]}),c("p",{children:[o.patient.name," · ",r.amount," ",se(o.amount)]}),Pn.has(o.status)&&o.paidAt&&c("p",{class:"muted",children:r.paying}),o.status==="AWAITING_PAYMENT"&&c("button",{class:"primary",disabled:p,onClick:w,children:[r.payNow," ",se(o.amount)]})]}),o.ticket&&c("article",{class:"card ticket",children:[c("h2",{children:r.ticket}),c("p",{class:"number",children:[r.ticketNumber," ",c("strong",{children:o.ticket.number})]}),c("p",{children:[r.suggestedArrival," ",c("strong",{class:"arrival",children:ot(o.ticket.suggestedArrival)})]}),o.ticket.location&&c("p",{children:[r.location," ",o.ticket.location]})]}),o.refund&&c("article",{class:"card refund",children:[c("h2",{children:r.refund}),c("p",{children:[r.amount," ",se(o.refund.amount)," ·"," ",r.refundStatuses[o.refund.status]??o.refund.status]}),c("p",{children:[r.refundMode," ",c("strong",{class:"mode",children:o.refund.mode?r.refundModes[o.refund.mode]:"—"})]}),c("p",{children:[r.refundBy," ",c("strong",{class:"expected",children:ot(o.refund.expectedBy)})]})]}),a&&c("p",{class:"error",role:"alert",children:a}),S&&c("button",{class:"danger",disabled:p,onClick:s,children:r.cancel})]})}function On({patientId:e,onOpen:t}){const{session:n,t:r}=ce(),[o,i]=P(null),[a,d]=P(null);return Y(()=>{G(n,An,{patientId:e,status:null,first:20,after:null}).then(p=>i(p.orders.edges.map(l=>l.node))).catch(p=>d(p.message))},[e,n]),a?c("p",{class:"error",children:a}):o?o.length?c("ul",{class:"list",children:o.map(p=>c("li",{children:c("button",{class:"row",onClick:()=>t(p.id),children:[c("span",{children:[p.appointment?.date," ",p.appointment?.department?.name??p.items[0]?.name]}),c("small",{children:[r.orderStatus[p.status]??p.status," · ",se(p.amount)]})]})},p.id))}):c("p",{class:"muted",children:r.noOrders}):c("p",{class:"muted",children:r.loading})}function Cn({onVerified:e}){const{session:t,t:n}=ce(),[r,o]=P(""),[i,a]=P(""),[d,p]=P(""),[l,f]=P(null),[w,s]=P(!1),m=async S=>{S.preventDefault(),s(!0),f(null);try{const{verifyIdentity:u}=await G(t,hn,{input:{name:r.trim(),idNumber:i.trim(),phone:d.trim()}});u.__typename==="VerifyIdentitySuccess"?e():"message"in u&&f(u.message)}catch(u){f(u.message)}finally{s(!1)}},h=(S,u,_,g)=>c("label",{class:"field",children:[c("span",{children:S}),c("input",{value:u,inputMode:g,required:!0,onInput:y=>_(y.target.value)})]});return c("form",{class:"card",onSubmit:m,children:[c("h2",{children:n.verifyTitle}),c("p",{class:"muted",children:n.verifyIntro}),h(n.name,r,o,"text"),h(n.idNumber,i,a,"text"),h(n.phone,d,p,"tel"),l&&c("p",{class:"error",role:"alert",children:l}),c("button",{class:"primary",type:"submit",disabled:w,children:n.verify})]})}const at="hospital-h5:language";function Rn(){const e=new URLSearchParams(window.location.search).get("order");return e?{name:"order",id:e}:{name:"book"}}function Un(){const[e,t]=P(window.localStorage.getItem(at)??"zh-CN"),[n,r]=P(Jt()),[o,i]=P(null),[a,d]=P(null),[p,l]=P(!0),[f,w]=P(Rn()),[s,m]=P(null),h=Nt[e],S=qt(()=>({token:n,language:e}),[n,e]);Y(()=>{document.documentElement.lang=e,document.title=h.title,window.localStorage.setItem(at,e)},[e]),Y(()=>{const y=en();if(y!==null){if("mismatch"in y){d(h.signInStateMismatch);return}l(!0),G({token:null,language:e},fn,{code:y.code}).then(({signIn:v})=>{v.__typename==="SignInSuccess"?(Se(v.token),r(v.token)):"message"in v&&d(v.message)}).catch(v=>d(v.message)).finally(()=>l(!1))}},[]);const u=()=>{if(!n){l(!1);return}l(!0),G(S,gn,{}).then(({me:y})=>{i(y),y&&y.patients.length&&!y.patients.some(v=>v.id===s)&&m(y.patients[0].id)}).catch(y=>{y.code==="UNAUTHENTICATED"?(Se(null),r(null)):d(y.message)}).finally(()=>l(!1))};Y(u,[n]);const _=()=>{Se(null),r(null),i(null)};let g;if(p&&!o)g=c("p",{class:"muted",children:h.loading});else if(!n||!o)g=c("section",{class:"card",children:[c("p",{children:h.signInIntro}),c("button",{class:"primary",onClick:Zt,children:h.signInWechat})]});else if(!o.verified)g=c(Cn,{onVerified:u});else{const y=o.patients;g=c(ae,{children:[c("label",{class:"patient",children:[h.patient," ",c("select",{value:s??"",onChange:v=>m(v.target.value),children:y.map(v=>c("option",{value:v.id,children:v.name},v.id))})]}),c("nav",{class:"tabs",children:[c("button",{class:f.name==="book"?"active":"",onClick:()=>w({name:"book"}),children:h.departments}),c("button",{class:f.name!=="book"?"active":"",onClick:()=>w({name:"orders"}),children:h.myOrders})]}),f.name==="book"&&s&&c(Nn,{patientId:s,onBooked:v=>w({name:"order",id:v})}),f.name==="orders"&&c(On,{patientId:s,onOpen:v=>w({name:"order",id:v})}),f.name==="order"&&c(Dn,{id:f.id,onBack:()=>w({name:"orders"})}),c($n,{})]})}return c(xt.Provider,{value:{session:S,language:e},children:[c("header",{children:[c("h1",{children:h.title}),c("span",{class:"spacer"}),o&&c("button",{class:"link",onClick:_,children:h.signOut}),c("button",{class:"link",lang:e==="en"?"zh-CN":"en",onClick:()=>t(e==="en"?"zh-CN":"en"),children:h.switchLanguage})]}),c("main",{children:[a&&c("p",{class:"error",role:"alert",children:a}),g]})]})}Lt(c(Un,{}),document.getElementById("app"));
