var Ct=Object.defineProperty;var Rt=(e,t,n)=>t in e?Ct(e,t,{enumerable:!0,configurable:!0,writable:!0,value:n}):e[t]=n;var G=(e,t,n)=>Rt(e,typeof t!="symbol"?t+"":t,n);(function(){const t=document.createElement("link").relList;if(t&&t.supports&&t.supports("modulepreload"))return;for(const o of document.querySelectorAll('link[rel="modulepreload"]'))r(o);new MutationObserver(o=>{for(const i of o)if(i.type==="childList")for(const c of i.addedNodes)c.tagName==="LINK"&&c.rel==="modulepreload"&&r(c)}).observe(document,{childList:!0,subtree:!0});function n(o){const i={};return o.integrity&&(i.integrity=o.integrity),o.referrerPolicy&&(i.referrerPolicy=o.referrerPolicy),o.crossOrigin==="use-credentials"?i.credentials="include":o.crossOrigin==="anonymous"?i.credentials="omit":i.credentials="same-origin",i}function r(o){if(o.ep)return;o.ep=!0;const i=n(o);fetch(o.href,i)}})();var be,x,lt,Q,ze,dt,ut,ke,pe,ae,pt,Ue,ve,Pe,mt,he={},ge=[],Ut=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,we=Array.isArray;function K(e,t){for(var n in t)e[n]=t[n];return e}function Fe(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Ft(e,t,n){var r,o,i,c={};for(i in t)i=="key"?r=t[i]:i=="ref"?o=t[i]:c[i]=t[i];if(arguments.length>2&&(c.children=arguments.length>3?be.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(i in e.defaultProps)c[i]===void 0&&(c[i]=e.defaultProps[i]);return me(e,c,r,o,null)}function me(e,t,n,r,o){var i={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:o??++lt,__i:-1,__u:0};return o==null&&x.vnode!=null&&x.vnode(i),i}function le(e){return e.children}function _e(e,t){this.props=e,this.context=t}function ee(e,t){if(t==null)return e.__?ee(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?ee(e):null}function Bt(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,r=[],o=[],i=K({},t);i.__v=t.__v+1,x.vnode&&x.vnode(i),Be(e.__P,i,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,r,n??ee(t),!!(32&t.__u),o),i.__v=t.__v,i.__.__k[i.__i]=i,yt(r,i,o),t.__e=t.__=null,i.__e!=n&&_t(i)}}function _t(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),_t(e)}function xe(e){(!e.__d&&(e.__d=!0)&&Q.push(e)&&!ye.__r++||ze!=x.debounceRendering)&&((ze=x.debounceRendering)||dt)(ye)}function ye(){try{for(var e,t=1;Q.length;)Q.length>t&&Q.sort(ut),e=Q.shift(),t=Q.length,Bt(e)}finally{Q.length=ye.__r=0}}function ft(e,t,n,r,o,i,c,d,p,l,_){var f,s,m,y,N,g,w=r&&r.__k||ge,u=t.length;for(p=Lt(n,t,w,p,u),f=0;f<u;f++)(m=n.__k[f])!=null&&(s=m.__i!=-1&&w[m.__i]||he,m.__i=f,g=Be(e,m,s,o,i,c,d,p,l,_),y=m.__e,m.ref&&s.ref!=m.ref&&(s.ref&&Le(s.ref,null,m),_.push(m.ref,m.__c||y,m)),N==null&&y!=null&&(N=y),4&m.__u?(p=ht(m,p,e),s.__e&&(s.__e=null)):typeof m.type=="function"&&g!==void 0?p=g:y&&(p=y.nextSibling),m.__u&=-7);return n.__e=N,p}function Lt(e,t,n,r,o){var i,c,d,p,l,_=n.length,f=_,s=0;for(e.__k=new Array(o),i=0;i<o;i++)(c=t[i])!=null&&typeof c!="boolean"&&typeof c!="function"?(typeof c=="string"||typeof c=="number"||typeof c=="bigint"||c.constructor==String?c=e.__k[i]=me(null,c,null,null,null):we(c)?c=e.__k[i]=me(le,{children:c},null,null,null):c.constructor===void 0&&c.__b>0?c=e.__k[i]=me(c.type,c.props,c.key,c.ref?c.ref:null,c.__v):e.__k[i]=c,p=i+s,c.__=e,c.__b=e.__b+1,d=null,(l=c.__i=Mt(c,n,p,f))!=-1&&(f--,(d=n[l])&&(d.__u|=2)),d==null||d.__v==null?(l==-1&&(o>_?s--:o<_&&s++),typeof c.type!="function"&&(c.__u|=4)):l!=p&&(l==p-1?s--:l==p+1?s++:(l>p?s--:s++,c.__u|=4))):e.__k[i]=null;if(f)for(i=0;i<_;i++)(d=n[i])!=null&&(2&d.__u)==0&&(d.__e==r&&(r=ee(d)),wt(d,d));return r}function ht(e,t,n){var r,o;if(typeof e.type=="function"){for(r=e.__k,o=0;r&&o<r.length;o++)r[o]&&(r[o].__=e,t=ht(r[o],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=ee(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Mt(e,t,n,r){var o,i,c,d=e.key,p=e.type,l=t[n],_=l!=null&&(2&l.__u)==0;if(l===null&&d==null||_&&d==l.key&&p==l.type)return n;if(r>(_?1:0)){for(o=n-1,i=n+1;o>=0||i<t.length;)if((l=t[c=o>=0?o--:i++])!=null&&(2&l.__u)==0&&d==l.key&&p==l.type)return c}return-1}function Ve(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Ut.test(t)?n:n+"px"}function ue(e,t,n,r,o){var i,c;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||Ve(e.style,t,"");if(n)for(t in n)r&&n[t]==r[t]||Ve(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")i=t!=(t=t.replace(pt,"$1")),c=t.toLowerCase(),t=c in e||t=="onFocusOut"||t=="onFocusIn"?c.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+i]=n,n?r?n[ae]=r[ae]:(n[ae]=Ue,e.addEventListener(t,i?Pe:ve,i)):e.removeEventListener(t,i?Pe:ve,i);else{if(o=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function je(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[pe]==null)t[pe]=Ue++;else if(t[pe]<n[ae])return;return n(x.event?x.event(t):t)}}}function Be(e,t,n,r,o,i,c,d,p,l){var _,f,s,m,y,N,g,w,u,h,$,A,b,te,q,Y,M=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(p=!!(32&n.__u),i=[d=t.__e=n.__e]),(_=x.__b)&&_(t);e:if(typeof M=="function"){f=c.length;try{if(u=t.props,h=M.prototype&&M.prototype.render,$=(_=M.contextType)&&r[_.__c],A=_?$?$.props.value:_.__:r,n.__c?w=(s=t.__c=n.__c).__=s.__E:(h?t.__c=s=new M(u,A):(t.__c=s=new _e(u,A),s.constructor=M,s.render=Wt),$&&$.sub(s),s.state||(s.state={}),s.__n=r,m=s.__d=!0,s.__h=[],s._sb=[]),h&&s.__s==null&&(s.__s=s.state),h&&M.getDerivedStateFromProps!=null&&(s.__s==s.state&&(s.__s=K({},s.__s)),K(s.__s,M.getDerivedStateFromProps(u,s.__s))),y=s.props,N=s.state,s.__v=t,m)h&&M.getDerivedStateFromProps==null&&s.componentWillMount!=null&&s.componentWillMount(),h&&s.componentDidMount!=null&&s.__h.push(s.componentDidMount);else{if(h&&M.getDerivedStateFromProps==null&&u!==y&&s.componentWillReceiveProps!=null&&s.componentWillReceiveProps(u,A),t.__v==n.__v||!s.__e&&s.shouldComponentUpdate!=null&&s.shouldComponentUpdate(u,s.__s,A)===!1){t.__v!=n.__v&&(s.props=u,s.state=s.__s,s.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(V){V&&(V.__=t)}),ge.push.apply(s.__h,s._sb),s._sb=[],s.__h.length&&c.push(s),d=ee(n);break e}s.componentWillUpdate!=null&&s.componentWillUpdate(u,s.__s,A),h&&s.componentDidUpdate!=null&&s.__h.push(function(){s.componentDidUpdate(y,N,g)})}if(s.context=A,s.props=u,s.__P=e,s.__e=!1,b=x.__r,te=0,h)s.state=s.__s,s.__d=!1,b&&b(t),_=s.render(s.props,s.state,s.context),ge.push.apply(s.__h,s._sb),s._sb=[];else do s.__d=!1,b&&b(t),_=s.render(s.props,s.state,s.context),s.state=s.__s;while(s.__d&&++te<25);s.state=s.__s,s.getChildContext!=null&&(r=K(K({},r),s.getChildContext())),h&&!m&&s.getSnapshotBeforeUpdate!=null&&(g=s.getSnapshotBeforeUpdate(y,N)),q=_!=null&&_.type===le&&_.key==null?bt(_.props.children):_,d=ft(e,we(q)?q:[q],t,n,r,o,i,c,d,p,l),s.base=t.__e,t.__u&=-161,s.__h.length&&c.push(s),w&&(s.__E=s.__=null)}catch(V){if(c.length=f,t.__v=null,p||i!=null){if(V.then){for(t.__u|=p?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;i!=null&&(i[i.indexOf(d)]=null),t.__e=d}else if(i!=null)for(Y=i.length;Y--;)Fe(i[Y])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),V.then||gt(t),x.__e(V,t,n)}}else i==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):d=t.__e=Ht(n.__e,t,n,r,o,i,c,p,l);return(_=x.diffed)&&_(t),128&t.__u?void 0:d}function gt(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(gt))}function yt(e,t,n){for(var r=0;r<n.length;r++)Le(n[r],n[++r],n[++r]);x.__c&&x.__c(t,e),e.some(function(o){try{e=o.__h,o.__h=[],e.some(function(i){i.call(o)})}catch(i){x.__e(i,o.__v)}})}function bt(e){return typeof e!="object"||e==null||e.__b>0?e:we(e)?e.map(bt):e.constructor!==void 0?null:K({},e)}function Ht(e,t,n,r,o,i,c,d,p){var l,_,f,s,m,y,N,g=n.props||he,w=t.props,u=t.type;if(u=="svg"?o="http://www.w3.org/2000/svg":u=="math"?o="http://www.w3.org/1998/Math/MathML":o||(o="http://www.w3.org/1999/xhtml"),i!=null){for(l=0;l<i.length;l++)if((m=i[l])&&"setAttribute"in m==!!u&&(u?m.localName==u:m.nodeType==3)){e=m,i[l]=null;break}}if(e==null){if(u==null)return document.createTextNode(w);e=document.createElementNS(o,u,w.is&&w),d&&(x.__m&&x.__m(t,i),d=!1),i=null}if(u==null)g===w||d&&e.data==w||(e.data=w);else{if(i=u=="textarea"&&w.defaultValue!=null?null:i&&be.call(e.childNodes),!d&&i!=null)for(g={},l=0;l<e.attributes.length;l++)g[(m=e.attributes[l]).name]=m.value;for(l in g)m=g[l],l=="dangerouslySetInnerHTML"?f=m:l=="children"||l in w||l=="value"&&"defaultValue"in w||l=="checked"&&"defaultChecked"in w||ue(e,l,null,m,o);for(l in w)m=w[l],l=="children"?s=m:l=="dangerouslySetInnerHTML"?_=m:l=="value"?y=m:l=="checked"?N=m:d&&typeof m!="function"||g[l]===m||ue(e,l,m,g[l],o);if(_)d||f&&(_.__html==f.__html||_.__html==e.innerHTML)||(e.innerHTML=_.__html),t.__k=[];else if(f&&(e.innerHTML=""),ft(t.type=="template"?e.content:e,we(s)?s:[s],t,n,r,u=="foreignObject"?"http://www.w3.org/1999/xhtml":o,i,c,i?i[0]:n.__k&&ee(n,0),d,p),i!=null)for(l=i.length;l--;)Fe(i[l]);d&&u!="textarea"||(l="value",u=="progress"&&y==null?e.removeAttribute("value"):y!=null&&(y!==e[l]||u=="progress"&&!y||u=="option"&&y!=g[l])&&ue(e,l,y,g[l],o),l="checked",N!=null&&N!=e[l]&&ue(e,l,N,g[l],o))}return e}function Le(e,t,n){try{if(typeof e=="function"){var r=typeof e.__u=="function";r&&e.__u(),r&&t==null||(e.__u=e(t))}else e.current=t}catch(o){x.__e(o,n)}}function wt(e,t,n){var r,o;if(x.unmount&&x.unmount(e),(r=e.ref)&&(r.current&&r.current!=e.__e||Le(r,null,t)),(r=e.__c)!=null){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(i){x.__e(i,t)}r.base=r.__P=r.__n=null}if(r=e.__k)for(o=0;o<r.length;o++)r[o]&&wt(r[o],t,n||typeof e.type!="function");n||Fe(e.__e),e.__c=e.__=e.__e=void 0}function Wt(e,t,n){return this.constructor(e,n)}function qt(e,t,n){var r,o,i,c;t==document&&(t=document.documentElement),x.__&&x.__(e,t),o=(r=!1)?null:t.__k,i=[],c=[],Be(t,e=t.__k=Ft(le,null,[e]),o||he,he,t.namespaceURI,o?null:t.firstChild?be.call(t.childNodes):null,i,o?o.__e:t.firstChild,r,c),yt(i,e,c),e.props.children=null}function Gt(e){function t(n){var r,o;return this.getChildContext||(r=new Set,(o={})[t.__c]=this,this.getChildContext=function(){return o},this.componentWillUnmount=function(){r=null},this.shouldComponentUpdate=function(i){this.props.value!=i.value&&r.forEach(function(c){c.__e=!0,xe(c)})},this.sub=function(i){r.add(i);var c=i.componentWillUnmount;i.componentWillUnmount=function(){r&&r.delete(i),c&&c.call(i)}}),n.children}return t.__c="__cC"+mt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,r){return n.children(r)}).contextType=t,t}be=ge.slice,x={__e:function(e,t,n,r){for(var o,i,c;t=t.__;)if((o=t.__c)&&!o.__)try{if((i=o.constructor)&&i.getDerivedStateFromError!=null&&(o.setState(i.getDerivedStateFromError(e)),c=o.__d),o.componentDidCatch!=null&&(o.componentDidCatch(e,r||{}),c=o.__d),c)return o.__E=o}catch(d){e=d}throw e}},lt=0,_e.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=K({},this.state),typeof e=="function"&&(e=e(K({},n),this.props)),e&&K(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),xe(this))},_e.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),xe(this))},_e.prototype.render=le,Q=[],dt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,ut=function(e,t){return e.__v.__b-t.__v.__b},ye.__r=0,ke=Math.random().toString(8),pe="__d"+ke,ae="__a"+ke,pt=/(PointerCapture)$|Capture$/i,Ue=0,ve=je(!1),Pe=je(!0),mt=0;var zt=0;function a(e,t,n,r,o,i){t||(t={});var c,d,p=t;if("ref"in p)for(d in p={},t)d=="ref"?c=t[d]:p[d]=t[d];var l={type:e,props:p,key:n,ref:c,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--zt,__i:-1,__u:0,__source:o,__self:i};if(typeof e=="function"&&(c=e.defaultProps))for(d in c)p[d]===void 0&&(p[d]=c[d]);return x.vnode&&x.vnode(l),l}var oe,D,Ae,Ke,$e=0,It=[],R=x,Ye=R.__b,Qe=R.__r,Je=R.diffed,Xe=R.__c,Ze=R.unmount,et=R.__;function Ie(e,t){R.__h&&R.__h(D,e,$e||t),$e=0;var n=D.__H||(D.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function k(e){return $e=1,Vt(At,e)}function Vt(e,t,n){var r=Ie(oe++,2);if(r.t=e,!r.__c&&(r.__=[At(void 0,t),function(d){var p=r.__N?r.__N[0]:r.__[0],l=r.t(p,d);p!==l&&(r.__N=[l,r.__[1]],r.__c.setState({}))}],r.__c=D,!D.__f)){var o=function(d,p,l){if(!r.__c.__H)return!0;var _=!1,f=r.__c.props!==d;if(r.__c.__H.__.some(function(m){if(m.__N){_=!0;var y=m.__[0];m.__=m.__N,m.__N=void 0,y!==m.__[0]&&(f=!0)}}),i){var s=i.call(this,d,p,l);return _?s||f:s}return!_||f};D.__f=!0;var i=D.shouldComponentUpdate,c=D.componentWillUpdate;D.componentWillUpdate=function(d,p,l){if(this.__e){var _=i;i=void 0,o(d,p,l),i=_}c&&c.call(this,d,p,l)},D.shouldComponentUpdate=o}return r.__N||r.__}function z(e,t){var n=Ie(oe++,3);!R.__s&&kt(n.__H,t)&&(n.__=e,n.u=t,D.__H.__h.push(n))}function jt(e,t){var n=Ie(oe++,7);return kt(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Kt(e){var t=D.context[e.__c],n=Ie(oe++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub(D)),t.props.value):e.__}function Yt(){for(var e;e=It.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(fe),t.__h.some(Te),t.__h=[]}catch(n){t.__h=[],R.__e(n,e.__v)}}}R.__b=function(e){D=null,Ye&&Ye(e)},R.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),et&&et(e,t)},R.__r=function(e){Qe&&Qe(e),oe=0;var t=(D=e.__c).__H;t&&(Ae===D?(t.__h=[],D.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(fe),t.__h.some(Te),t.__h=[],oe=0)),Ae=D},R.diffed=function(e){Je&&Je(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(It.push(t)!==1&&Ke===R.requestAnimationFrame||((Ke=R.requestAnimationFrame)||Qt)(Yt)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),Ae=D=null},R.__c=function(e,t){t.some(function(n){try{n.__h.some(fe),n.__h=n.__h.filter(function(r){return!r.__||Te(r)})}catch(r){t.some(function(o){o.__h&&(o.__h=[])}),t=[],R.__e(r,n.__v)}}),Xe&&Xe(e,t)},R.unmount=function(e){Ze&&Ze(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{fe(r)}catch(o){t=o}}),n.__H=void 0,t&&R.__e(t,n.__v))};var tt=typeof requestAnimationFrame=="function";function Qt(e){var t,n=function(){clearTimeout(r),tt&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);tt&&(t=requestAnimationFrame(n))}function fe(e){var t=D,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),D=t}function Te(e){var t=D;e.__c=e.__(),D=t}function kt(e,t){return!e||e.length!==t.length||t.some(function(n,r){return n!==e[r]})}function At(e,t){return typeof t=="function"?t(e):t}const Jt={},Me=Jt;function St(e){return new URL(e,window.location.href).toString()}const Nt=St(Me.VITE_GRAPHQL_URL??"/graphql"),Xt=Nt.replace(/^http/,"ws"),Zt=St(Me.VITE_WECHAT_AUTHORIZE_URL??"/sim/wechat/connect/oauth2/authorize"),en=Me.VITE_WECHAT_APP_ID??"wx-hospital-demo",De="hospital-h5:sign-in-state",Oe="hospital-h5:token";function tn(){return window.sessionStorage.getItem(Oe)}function Se(e){e?window.sessionStorage.setItem(Oe,e):window.sessionStorage.removeItem(Oe)}function nn(){const e=crypto.getRandomValues(new Uint8Array(16));return Array.from(e,t=>t.toString(16).padStart(2,"0")).join("")}function He(){return window.location.origin+window.location.pathname}function rn(){const e=nn();window.sessionStorage.setItem(De,e);const t=new URL(Zt);t.search=new URLSearchParams({appid:en,redirect_uri:He(),response_type:"code",scope:"snsapi_base",state:e}).toString(),t.hash="wechat_redirect",window.location.assign(t.toString())}function on(){const e=new URLSearchParams(window.location.search),t=e.get("code");if(!t)return null;const n=e.get("state"),r=window.sessionStorage.getItem(De);window.sessionStorage.removeItem(De),e.delete("code"),e.delete("state");const o=e.toString();return window.history.replaceState(null,"",He()+(o?`?${o}`:"")),r!==null&&r===n?{code:t}:{mismatch:!0}}function L(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function Z(e){return L(e)==="object"}function sn(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function nt(e,t){return e.length<124?e:t}const an="graphql-transport-ws";var H=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(H||{}),W=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(W||{});function Et(e){if(!Z(e))throw new Error(`Message is expected to be an object, but got ${L(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${L(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${L(e.payload.query)}`);if(e.payload.variables!=null&&!Z(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${L(e.payload.variables)}`);if(e.payload.operationName!=null&&L(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${L(e.payload.operationName)}`);if(e.payload.extensions!=null&&!Z(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${L(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!sn(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function cn(e,t){return Et(typeof e=="string"?JSON.parse(e,t):e)}function ie(e,t){return Et(e),JSON.stringify(e,t)}function ln(e){const{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:o=console.error,lazyCloseTimeout:i=0,keepAlive:c=0,disablePong:d,connectionAckWaitTimeout:p=0,retryAttempts:l=5,retryWait:_=async function(T){const I=Math.pow(2,T);await new Promise(v=>setTimeout(v,I*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:f=Ne,on:s,webSocketImpl:m,generateID:y=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,T=>{const I=Math.random()*16|0;return(T=="x"?I:I&3|8).toString(16)})},jsonMessageReplacer:N,jsonMessageReviver:g}=e;let w;if(m){if(!un(m))throw new Error("Invalid WebSocket implementation provided");w=m}else typeof WebSocket<"u"?w=WebSocket:typeof global<"u"?w=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(w=window.WebSocket||window.MozWebSocket);if(!w)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");const u=w,h=(()=>{const S=(()=>{const I={};return{on(v,O){return I[v]=O,()=>{delete I[v]}},emit(v){"id"in v&&I[v.id]?.(v)}}})(),T={connecting:s?.connecting?[s.connecting]:[],opened:s?.opened?[s.opened]:[],connected:s?.connected?[s.connected]:[],ping:s?.ping?[s.ping]:[],pong:s?.pong?[s.pong]:[],message:s?.message?[S.emit,s.message]:[S.emit],closed:s?.closed?[s.closed]:[],error:s?.error?[s.error]:[]};return{onMessage:S.on,on(I,v){const O=T[I];return O.push(v),()=>{const C=O.indexOf(v);C>-1&&O.splice(C,1)}},emit(I,...v){for(const O of[...T[I]])O(...v)}}})();function $(S){const T=[h.on("error",I=>{T.forEach(v=>v()),S(I)}),h.on("closed",I=>{T.forEach(v=>v()),S(I)})];return()=>T.forEach(I=>I())}let A,b=0,te,q=!1,Y=0,M=!1;async function V(){clearTimeout(te);const[S,T]=await(A??(A=new Promise((O,C)=>(async()=>{if(q){if(await _(Y),!b)return A=void 0,C({code:1e3,reason:"All Subscriptions Gone"});Y++}h.emit("connecting",q);const E=new u(typeof t=="function"?await t():t,an);let j,ne;function de(){isFinite(c)&&c>0&&(clearTimeout(ne),ne=setTimeout(()=>{E.readyState===u.OPEN&&(E.send(ie({type:W.Ping})),h.emit("ping",!1,void 0))},c))}$(F=>{A=void 0,clearTimeout(j),clearTimeout(ne),C(F),F instanceof rt&&(E.close(4499,"Terminated"),E.onerror=null,E.onclose=null)}),E.onerror=F=>h.emit("error",F),E.onclose=F=>h.emit("closed",F),E.onopen=async()=>{try{h.emit("opened",E);const F=typeof n=="function"?await n():n;if(E.readyState!==u.OPEN)return;E.send(ie(F?{type:W.ConnectionInit,payload:F}:{type:W.ConnectionInit},N)),isFinite(p)&&p>0&&(j=setTimeout(()=>{E.close(H.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},p)),de()}catch(F){h.emit("error",F),E.close(H.InternalClientError,nt(F instanceof Error?F.message:String(F),"Internal client error"))}};let re=!1;E.onmessage=({data:F})=>{try{const U=cn(F,g);if(h.emit("message",U),U.type==="ping"||U.type==="pong"){h.emit(U.type,!0,U.payload),U.type==="pong"?de():d||(E.send(ie(U.payload?{type:W.Pong,payload:U.payload}:{type:W.Pong},N)),h.emit("pong",!1,U.payload));return}if(re)return;if(U.type!==W.ConnectionAck)throw new Error(`First message cannot be of type ${U.type}`);clearTimeout(j),re=!0,h.emit("connected",E,U.payload,q),q=!1,Y=0;const Ge=new Promise((Zn,Ot)=>$(Ot));Ge.catch(()=>{}),O([E,Ge])}catch(U){E.onmessage=null,h.emit("error",U),E.close(H.BadResponse,nt(U instanceof Error?U.message:String(U),"Bad response"))}}})())));S.readyState===u.CLOSING&&await T;let I=()=>{};const v=new Promise(O=>I=O);return[S,I,new Promise((O,C)=>{const E=$(C);S.readyState!==u.OPEN&&T.catch(C),v.then(()=>{if(E(),!b){const j=()=>S.close(1e3,"Normal Closure");isFinite(i)&&i>0?(clearTimeout(te),te=setTimeout(()=>{!b&&S.readyState===u.OPEN&&j()},i)):j()}O()})})]}function We(S){if(Ne(S)&&(dn(S.code)||[H.InternalServerError,H.InternalClientError,H.BadRequest,H.BadResponse,H.Unauthorized,H.SubprotocolNotAcceptable,H.SubscriberAlreadyExists,H.TooManyInitialisationRequests].includes(S.code)))throw S;if(M)return!1;if(Ne(S)&&S.code===1e3)return b>0;if(!l||Y>=l||!f(S))throw S;return q=!0}r||(async()=>{for(b++;;)try{const[,,S]=await V();await S}catch(S){try{if(!We(S))return}catch(T){return o?.(T)}}})();function qe(S,T){const I=y(S);let v=!1,O=!1,C=()=>{b--,v=!0};return(async()=>{for(b++;;)try{const[E,j,ne]=await V();if(v)return ne.catch(()=>{}),j();const de=h.onMessage(I,re=>{switch(re.type){case W.Next:{T.next(re.payload);return}case W.Error:{O=!0,v=!0,T.error(re.payload),C();return}case W.Complete:{v=!0,C();return}}});E.send(ie({id:I,type:W.Subscribe,payload:S},N)),C=()=>{!v&&E.readyState===u.OPEN&&E.send(ie({id:I,type:W.Complete},N)),b--,v=!0,j()},await ne.finally(de);return}catch(E){if(!We(E))return}})().then(()=>{O||T.complete()}).catch(E=>{T.error(E)}),()=>{v||C()}}return{on:h.on,subscribe:qe,iterate(S){const T=[],I={done:!1,error:null,resolve:()=>{}},v=qe(S,{next(C){T.push(C),I.resolve()},error(C){I.done=!0,I.error=C,I.resolve()},complete(){I.done=!0,I.resolve()}}),O=(async function*(){for(;;){for(T.length||await new Promise(E=>I.resolve=E);T.length;)yield T.shift();if(I.error)throw I.error;if(I.done)return}})();return O.throw=async C=>(I.done||(I.done=!0,I.error=C,I.resolve()),{done:!0,value:void 0}),O.return=async()=>(v(),{done:!0,value:void 0}),O},async dispose(){if(M=!0,A){const[S]=await A;S.close(1e3,"Normal Closure")}},terminate(){A&&h.emit("closed",new rt)}}}class rt extends Error{constructor(){super(...arguments);G(this,"name","TerminatedCloseEvent");G(this,"message","4499: Terminated");G(this,"code",4499);G(this,"reason","Terminated");G(this,"wasClean",!1)}}function Ne(e){return Z(e)&&"code"in e&&"reason"in e}function dn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function un(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}class Ce extends Error{constructor(n,r){super(n);G(this,"code");this.code=r}}const pn="PERSISTED_QUERY_NOT_FOUND",ot=new Map;async function mn(e){if(!globalThis.crypto?.subtle)return null;const t=await crypto.subtle.digest("SHA-256",new TextEncoder().encode(e));return Array.from(new Uint8Array(t),n=>n.toString(16).padStart(2,"0")).join("")}async function _n(e){const t=ot.get(e);if(t)return t;const n=await mn(e);return n&&ot.set(e,n),n}function fn(e){const t={"content-type":"application/json",accept:"application/graphql-response+json, application/json","accept-language":e.language};return e.token&&(t.authorization=`Bearer ${e.token}`),t}const hn="TRY_AGAIN",vt=6e4,gn=1e3;function Pt(e){return Math.round(e*(.5+Math.random()))}const xt=e=>new Promise(t=>setTimeout(t,e));async function Ee(e,t){const n=await fetch(Nt,{method:"POST",headers:fn(e),body:JSON.stringify(t)});if(!(n.headers.get("content-type")??"").includes("json"))throw new Ce(`HTTP ${n.status}`,null);return{answer:await n.json(),retryAfter:n.headers.get("retry-after")}}function Re(e){return e.errors?.[0]?.extensions?.code??null}function yn({answer:e,retryAfter:t}){const n=e.errors?.[0]?.extensions?.retryAfterMs;if(typeof n=="number"&&n>=0)return n;const r=Number(t);return t&&Number.isFinite(r)&&r>=0?r*1e3:gn}async function it(e,t,n,r){if(!n)return Ee(e,{query:t,variables:r});const o={version:1,sha256Hash:n},i=await Ee(e,{variables:r,extensions:{persistedQuery:o}});return Re(i.answer)!==pn?i:Ee(e,{query:t,variables:r,extensions:{persistedQuery:o}})}async function B(e,t,n,r={}){const o=t.toString(),i=await _n(o),c=Date.now();let d=await it(e,o,i,n);for(;Re(d.answer)===hn&&!d.answer.data&&Date.now()-c<vt;){const l=Pt(yn(d));r.onWait?.(l),await xt(l),d=await it(e,o,i,n)}const p=d.answer;if(p.errors?.length)throw new Ce(p.errors[0].message,Re(p));if(!p.data)throw new Ce("no data",null);return p.data}let se=null;function bn(e){if(se&&se.token===e.token)return se.client;se?.client.dispose();const t=e.token,n=ln({url:Xt,connectionParams:t?{Authorization:`Bearer ${t}`}:{},lazy:!0,retryAttempts:5});return se={client:n,token:t},n}function $t(e,t,n,r){return bn(e).subscribe({query:t.toString(),variables:n},{next:o=>{o.data&&r(o.data)},error:()=>{},complete:()=>{}})}const wn={title:"门诊挂号",switchLanguage:"English",signInWechat:"微信授权登录",signInIntro:"通过微信公众号授权登录后挂号、缴费、查看报告。",signingIn:"正在登录…",signInStateMismatch:"登录链接已失效，请重新登录",signOut:"退出",verifyTitle:"实名认证",verifyIntro:"首次使用请填写就诊人身份信息（与医院登记一致）。",name:"姓名",idNumber:"身份证号",phone:"手机号",verify:"认证",patient:"就诊人",departments:"科室",myOrders:"订单",back:"返回",noSchedules:"近 7 天无排班",remaining:"余号",fee:"挂号费",eligible:"可预约",full:"已约满",ended:"本时段已结束",book:"预约",confirmBook:"确认预约",order:"订单",status:"状态",amount:"金额",payNow:"去支付",paying:"正在等待支付结果…",ticket:"就诊凭条",ticketNumber:"序号",suggestedArrival:"建议到院时间",location:"就诊地点",cancel:"取消预约",confirmCancel:"确认取消预约？已付款项将原路退回。",refund:"退款",refundMode:"退款方式",refundBy:"预计到账",refundStatus:"退款状态",noOrders:"暂无挂号记录",loading:"加载中…",busy:"当前预约人数较多，正在排队，请勿离开…",live:"实时通知",family:"就诊人",bills:"缴费",noBills:"暂无待缴费用",payBills:"合并缴费",reports:"报告",noReports:"暂无报告",flags:{HIGH:"↑ 偏高",LOW:"↓ 偏低",ABNORMAL:"异常",CRITICAL:"危急"},bindTitle:"添加就诊人",bind:"添加",relation:"关系",relations:{SELF:"本人",CHILD:"子女",PARENT:"父母",SPOUSE:"配偶",OTHER:"其他"},period:{MORNING:"上午",AFTERNOON:"下午",EVENING:"夜间"},orderStatus:{AWAITING_PAYMENT:"待支付",PAID:"已支付，医院确认中",CONFIRMED:"已预约",EXPIRED:"已过期",CANCELLED:"已取消",FAILED:"医院未能确认，将退款",COMPLETED:"已就诊"},refundModes:{REVERSAL:"当日冲正，即时到账",REFUND:"原路退款，即时到账",BATCH:"次日批量退款，7 日内到账"},refundStatuses:{PENDING:"待退款",PROCESSING:"退款中",SUCCEEDED:"已退款",FAILED:"退款失败，请联系医院"}},In={title:"Outpatient booking",switchLanguage:"中文",signInWechat:"Sign in with WeChat",signInIntro:"Sign in through the official account to book, pay and read reports.",signingIn:"Signing in…",signInStateMismatch:"This sign-in link has expired; please sign in again",signOut:"Sign out",verifyTitle:"Verify your identity",verifyIntro:"First time here: enter the patient's details as the hospital records them.",name:"Name",idNumber:"ID number",phone:"Mobile",verify:"Verify",patient:"Patient",departments:"Departments",myOrders:"Orders",back:"Back",noSchedules:"No clinics in the next 7 days",remaining:"Left",fee:"Fee",eligible:"Bookable",full:"Full",ended:"This clinic is over",book:"Book",confirmBook:"Confirm booking",order:"Order",status:"Status",amount:"Amount",payNow:"Pay",paying:"Waiting for the payment…",ticket:"Ticket",ticketNumber:"Number",suggestedArrival:"Suggested arrival",location:"Where",cancel:"Cancel booking",confirmCancel:"Cancel this booking? The money goes back the way it came.",refund:"Refund",refundMode:"Refund mode",refundBy:"Expected by",refundStatus:"Refund status",noOrders:"No bookings yet",loading:"Loading…",busy:"Many people are booking now; you are in the queue, please stay on this page…",live:"Live notices",family:"Patients",bills:"Bills",noBills:"Nothing to pay",payBills:"Pay all",reports:"Reports",noReports:"No reports yet",flags:{HIGH:"↑ high",LOW:"↓ low",ABNORMAL:"abnormal",CRITICAL:"critical"},bindTitle:"Add a family member",bind:"Add",relation:"Relation",relations:{SELF:"Self",CHILD:"Child",PARENT:"Parent",SPOUSE:"Spouse",OTHER:"Other"},period:{MORNING:"Morning",AFTERNOON:"Afternoon",EVENING:"Evening"},orderStatus:{AWAITING_PAYMENT:"Awaiting payment",PAID:"Paid, the hospital is confirming",CONFIRMED:"Booked",EXPIRED:"Expired",CANCELLED:"Cancelled",FAILED:"Not confirmed by the hospital; refunding",COMPLETED:"Attended"},refundModes:{REVERSAL:"Same-day reversal: back at once",REFUND:"Refund to the payer: back at once",BATCH:"Next-day batch: back within 7 days"},refundStatuses:{PENDING:"Pending",PROCESSING:"Processing",SUCCEEDED:"Refunded",FAILED:"Failed: please contact the hospital"}},Tt={"zh-CN":wn,en:In};function J(e){return`¥${(e/100).toFixed(2)}`}function ce(e){return e?`${e.slice(5,10)} ${e.slice(11,16)}`:"—"}const Dt=Gt({session:{token:null,language:"zh-CN"},language:"zh-CN"});function X(){const e=Kt(Dt);return{...e,t:Tt[e.language]}}class P extends String{constructor(n,r){super(n);G(this,"__apiType");G(this,"value");G(this,"__meta__");this.value=n,this.__meta__=r}toString(){return this.value}}new P(`
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
    `,{fragmentName:"NoticeFields"});const kn=new P(`
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
}`),An=new P(`
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
}`),Sn=new P(`
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
}`);const Nn=new P(`
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
}`),En=new P(`
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
}`);const vn=new P(`
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
}`),Pn=new P(`
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
}`),xn=new P(`
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
}`),$n=new P(`
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
}`),Tn=new P(`
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
}`),Dn=new P(`
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
}`),On=new P(`
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
    `),Cn=new P(`
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
}`),Rn=new P(`
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
    `),Un=new P(`
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
}`);const Fn=new P(`
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
}`),Bn=new P(`
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
    `);function Ln({patientId:e,onOrder:t}){const{session:n,t:r}=X(),[o,i]=k(null),[c,d]=k(null),[p,l]=k(!1);z(()=>{d(null),i(null),B(n,On,{patientId:e}).then(m=>i(m.unpaidBills)).catch(m=>d(m.message))},[e,n]);const _=async()=>{if(o?.length){l(!0),d(null);try{const{payBills:m}=await B(n,Cn,{input:{patientId:e,billIds:o.map(y=>y.id),idempotencyKey:crypto.randomUUID()}});m.__typename==="PayBillsSuccess"?t(m.order.id):"message"in m&&d(m.message)}catch(m){d(m.message)}finally{l(!1)}}},f=c&&a("p",{class:"error",role:"alert",children:c});if(!o)return f||a("p",{class:"muted",children:r.loading});if(!o.length)return f||a("p",{class:"muted",children:r.noBills});const s=o.reduce((m,y)=>m+y.amount,0);return a("section",{children:[f,o.map(m=>a("article",{class:"card bill",children:[a("h3",{children:[m.title," · ",J(m.amount)]}),a("p",{class:"muted",children:ce(m.issuedAt)}),m.items.map(y=>a("p",{children:a("small",{children:[y.name," ",J(y.amount)]})},y.code))]},m.id)),a("button",{class:"primary",disabled:p,onClick:_,children:[r.payBills," ",J(s)]})]})}function st(e){return new Date(e.getTime()-e.getTimezoneOffset()*6e4).toISOString().slice(0,10)}function at(e){return e.slice(11,16)}function Mn({patientId:e,onBooked:t}){const{session:n,t:r}=X(),[o,i]=k(null),[c,d]=k(null),[p,l]=k(null),[_,f]=k(null),[s,m]=k(!1),[y,N]=k(!1);z(()=>{B(n,En,{}).then(u=>i(u.departments)).catch(u=>f(u.message))},[n]),z(()=>{if(!c)return;l(null);const u=new Date,h=new Date(u.getTime()+6*864e5);B(n,vn,{departmentId:c.id,from:st(u),to:st(h),patientId:e}).then($=>l($.schedules)).catch($=>f($.message))},[c,e,n]);const g=async u=>{m(!0),f(null);const h={patientId:e,slotId:u,idempotencyKey:crypto.randomUUID()},$=Date.now(),A=()=>N(!0);try{for(;;){const{bookAppointment:b}=await B(n,Pn,{input:h},{onWait:A});if(b.__typename==="BookAppointmentSuccess")t(b.order.id);else if(b.__typename==="TryAgainError"&&Date.now()-$<vt){A(),await xt(Pt(1e3));continue}else"message"in b&&f(b.message);break}}catch(b){f(b.message)}finally{N(!1),m(!1)}},w=_&&a("p",{class:"error",role:"alert",children:_})||y&&a("p",{class:"busy",role:"status",children:r.busy});if(!c){if(!o)return w||a("p",{class:"muted",children:r.loading});const u=o.flatMap(h=>h.children.length?h.children.map($=>({...$,parent:h.name})):[{id:h.id,name:h.name,parent:""}]);return a("section",{children:[w,a("ul",{class:"list",children:u.map(h=>a("li",{children:a("button",{class:"row",onClick:()=>d({id:h.id,name:h.name}),children:[a("span",{children:h.name}),a("small",{class:"muted",children:h.parent})]})},h.id))})]})}return a("section",{children:[a("p",{children:[a("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})," ",a("strong",{children:c.name})]}),w,!p&&a("p",{class:"muted",children:r.loading}),p&&!p.length&&a("p",{class:"muted",children:r.noSchedules}),p?.map(u=>a("article",{class:"card schedule","data-schedule":u.id,"data-date":u.date,children:[a("h3",{children:[u.date," ",r.period[u.period]," · ",u.expert?`${u.expert.name} ${u.expert.title}`:c.name]}),a("p",{class:"muted",children:[r.fee," ",J(u.fee)," · ",r.remaining," ",u.remaining,"/",u.capacity]}),u.eligibility&&!u.eligibility.eligible?a("p",{class:"reason","data-code":u.eligibility.code??"",children:u.eligibility.reason}):a("div",{class:"slots",children:[u.slots.filter(h=>Date.parse(h.endsAt)>Date.now()).length===0&&a("p",{class:"muted",children:r.ended}),u.slots.filter(h=>Date.parse(h.endsAt)>Date.now()).map(h=>a("button",{class:"slot",disabled:s||h.remaining<1,title:h.remaining<1?r.full:r.eligible,onClick:()=>g(h.id),children:[at(h.startsAt),"–",at(h.endsAt),a("small",{children:h.remaining<1?r.full:`${r.remaining} ${h.remaining}`})]},h.id))]})]},u.id))]})}const Hn=["CHILD","PARENT","SPOUSE","OTHER"];function Wn({patients:e,onBound:t}){const{session:n,t:r}=X(),[o,i]=k(""),[c,d]=k(""),[p,l]=k(""),[_,f]=k("CHILD"),[s,m]=k(null),[y,N]=k(!1),g=async u=>{u.preventDefault(),N(!0),m(null);try{const{bindPatient:h}=await B(n,Sn,{input:{name:o.trim(),idNumber:c.trim(),phone:p.trim(),relation:_}});h.__typename==="BindPatientSuccess"?(i(""),d(""),t()):"message"in h&&m(h.message)}catch(h){m(h.message)}finally{N(!1)}},w=(u,h,$)=>a("label",{class:"field",children:[a("span",{children:u}),a("input",{value:h,required:!0,onInput:A=>$(A.target.value)})]});return a("section",{children:[a("ul",{class:"list",children:e.map(u=>a("li",{class:"card patient-row",children:[a("strong",{children:u.name})," ",a("small",{class:"muted",children:r.relations[u.relation]}),a("br",{}),a("small",{class:"muted",children:[u.maskedIdNumber," · ",u.cardNumber??""]})]},u.id))}),a("form",{class:"card",onSubmit:g,children:[a("h2",{children:r.bindTitle}),w(r.name,o,i),w(r.idNumber,c,d),w(r.phone,p,l),a("label",{class:"field",children:[a("span",{children:r.relation}),a("select",{value:_,onChange:u=>f(u.target.value),children:Hn.map(u=>a("option",{value:u,children:r.relations[u]},u))})]}),s&&a("p",{class:"error",role:"alert",children:s}),a("button",{class:"primary",type:"submit",disabled:y,children:r.bind})]})]})}const qn=3;function Gn({onNotice:e}){const{session:t,t:n}=X(),[r,o]=k([]);return z(()=>$t(t,Fn,{},i=>{const c=i.notices;o(d=>[c,...d].slice(0,qn)),e(c)}),[t]),r.length?a("aside",{class:"card notices","aria-live":"polite",children:[a("h2",{children:n.live}),r.map(i=>a("p",{"data-kind":i.kind,children:[a("strong",{children:i.title})," ",i.body]},i.id))]}):null}const zn=new Set(["AWAITING_PAYMENT","PAID"]),Vn=2e3;function jn({id:e,onBack:t}){const{session:n,t:r}=X(),[o,i]=k(null),[c,d]=k(null),[p,l]=k(!1),_=()=>B(n,Tn,{id:e}).then(g=>i(g.order)).catch(g=>d(g.message));z(()=>{_();const g=$t(n,Bn,{orderId:e},()=>_()),w=window.setInterval(()=>{document.visibilityState==="visible"&&_()},Vn);return()=>{g(),window.clearInterval(w)}},[e,n]);const f=async()=>{l(!0),d(null);try{const{payOrder:g}=await B(n,xn,{orderId:e,idempotencyKey:`pay-${e}`});if(g.__typename==="PayOrderSuccess"){const w=new URL(g.payment.payUrl);w.searchParams.set("redirect_url",`${He()}?order=${encodeURIComponent(e)}`),window.location.assign(w.toString());return}"message"in g&&d(g.message)}catch(g){d(g.message)}l(!1)},s=async()=>{if(window.confirm(r.confirmCancel)){l(!0),d(null);try{const{cancelAppointment:g}=await B(n,$n,{orderId:e,reason:null});g.__typename==="CancelAppointmentSuccess"?i(g.order):"message"in g&&d(g.message)}catch(g){d(g.message)}finally{l(!1)}}},m=a("p",{children:a("button",{class:"link",onClick:t,children:["← ",r.back]})});if(!o)return a("section",{children:[m,c?a("p",{class:"error",children:c}):a("p",{class:"muted",children:r.loading})]});const y=o.appointment,N=o.kind==="REGISTRATION"&&["AWAITING_PAYMENT","PAID","CONFIRMED"].includes(o.status);return a("section",{children:[m,a("article",{class:"card order","data-status":o.status,children:[a("h2",{children:[r.order," · ",a("span",{class:"status",children:r.orderStatus[o.status]??o.status})]}),y&&a("p",{children:[y.department?.name," ",y.expert?`· ${y.expert.name} ${y.expert.title}`:"",a("br",{}),y.date," ",r.period[y.period]," ",y.startsAt.slice(11,16),"–",y.endsAt.slice(11,16)]}),a("p",{children:[o.patient.name," · ",r.amount," ",J(o.amount)]}),zn.has(o.status)&&o.paidAt&&a("p",{class:"muted",children:r.paying}),o.status==="AWAITING_PAYMENT"&&a("button",{class:"primary",disabled:p,onClick:f,children:[r.payNow," ",J(o.amount)]})]}),o.ticket&&a("article",{class:"card ticket",children:[a("h2",{children:r.ticket}),a("p",{class:"number",children:[r.ticketNumber," ",a("strong",{children:o.ticket.number})]}),a("p",{children:[r.suggestedArrival," ",a("strong",{class:"arrival",children:ce(o.ticket.suggestedArrival)})]}),o.ticket.location&&a("p",{children:[r.location," ",o.ticket.location]})]}),o.refund&&a("article",{class:"card refund",children:[a("h2",{children:r.refund}),a("p",{children:[r.amount," ",J(o.refund.amount)," ·"," ",r.refundStatuses[o.refund.status]??o.refund.status]}),a("p",{children:[r.refundMode," ",a("strong",{class:"mode",children:o.refund.mode?r.refundModes[o.refund.mode]:"—"})]}),a("p",{children:[r.refundBy," ",a("strong",{class:"expected",children:ce(o.refund.expectedBy)})]})]}),c&&a("p",{class:"error",role:"alert",children:c}),N&&a("button",{class:"danger",disabled:p,onClick:s,children:r.cancel})]})}function Kn({patientId:e,onOpen:t}){const{session:n,t:r}=X(),[o,i]=k(null),[c,d]=k(null);return z(()=>{B(n,Dn,{patientId:e,status:null,first:20,after:null}).then(p=>i(p.orders.edges.map(l=>l.node))).catch(p=>d(p.message))},[e,n]),c?a("p",{class:"error",children:c}):o?o.length?a("ul",{class:"list",children:o.map(p=>a("li",{children:a("button",{class:"row",onClick:()=>t(p.id),children:[a("span",{children:[p.appointment?.date," ",p.appointment?.department?.name??p.items[0]?.name]}),a("small",{children:[r.orderStatus[p.status]??p.status," · ",J(p.amount)]})]})},p.id))}):a("p",{class:"muted",children:r.noOrders}):a("p",{class:"muted",children:r.loading})}function Yn({patientId:e,refresh:t}){const{session:n,t:r}=X(),[o,i]=k(null),[c,d]=k(null),[p,l]=k(null);z(()=>{l(null),B(n,Rn,{patientId:e,first:20,after:null}).then(f=>i(f.reports.edges.map(s=>s.node))).catch(f=>l(f.message))},[e,n,t]);const _=f=>B(n,Un,{id:f}).then(s=>d(s.report)).catch(s=>l(s.message));return p?a("p",{class:"error",role:"alert",children:p}):c?a("section",{class:"card report",children:[a("p",{children:a("button",{class:"link",onClick:()=>d(null),children:["← ",r.back]})}),a("h2",{children:c.title}),a("p",{class:"muted",children:ce(c.issuedAt)}),c.conclusion&&a("p",{children:c.conclusion}),a("table",{children:a("tbody",{children:c.items.map(f=>a("tr",{children:[a("td",{children:f.name}),a("td",{children:[f.value," ",f.unit??""," ",f.flag==="NORMAL"?"":r.flags[f.flag]??f.flag]}),a("td",{class:"muted",children:f.referenceRange??""})]},f.name))})})]}):o?o.length?a("ul",{class:"list reports",children:o.map(f=>a("li",{children:a("button",{class:"row",onClick:()=>_(f.id),children:[a("span",{children:f.title}),a("small",{class:"muted",children:ce(f.issuedAt)})]})},f.id))}):a("p",{class:"muted",children:r.noReports}):a("p",{class:"muted",children:r.loading})}function Qn({onVerified:e}){const{session:t,t:n}=X(),[r,o]=k(""),[i,c]=k(""),[d,p]=k(""),[l,_]=k(null),[f,s]=k(!1),m=async N=>{N.preventDefault(),s(!0),_(null);try{const{verifyIdentity:g}=await B(t,An,{input:{name:r.trim(),idNumber:i.trim(),phone:d.trim()}});g.__typename==="VerifyIdentitySuccess"?e():"message"in g&&_(g.message)}catch(g){_(g.message)}finally{s(!1)}},y=(N,g,w,u)=>a("label",{class:"field",children:[a("span",{children:N}),a("input",{value:g,inputMode:u,required:!0,onInput:h=>w(h.target.value)})]});return a("form",{class:"card",onSubmit:m,children:[a("h2",{children:n.verifyTitle}),a("p",{class:"muted",children:n.verifyIntro}),y(n.name,r,o,"text"),y(n.idNumber,i,c,"text"),y(n.phone,d,p,"tel"),l&&a("p",{class:"error",role:"alert",children:l}),a("button",{class:"primary",type:"submit",disabled:f,children:n.verify})]})}const ct="hospital-h5:language";function Jn(){const e=new URLSearchParams(window.location.search).get("order");return e?{name:"order",id:e}:{name:"book"}}function Xn(){const[e,t]=k(window.localStorage.getItem(ct)??"zh-CN"),[n,r]=k(tn()),[o,i]=k(null),[c,d]=k(null),[p,l]=k(!0),[_,f]=k(Jn()),[s,m]=k(null),[y,N]=k(0),g=Tt[e],w=jt(()=>({token:n,language:e}),[n,e]);z(()=>{document.documentElement.lang=e,document.title=g.title,window.localStorage.setItem(ct,e)},[e]),z(()=>{const A=on();if(A!==null){if("mismatch"in A){d(g.signInStateMismatch);return}l(!0),B({token:null,language:e},kn,{code:A.code}).then(({signIn:b})=>{b.__typename==="SignInSuccess"?(Se(b.token),r(b.token)):"message"in b&&d(b.message)}).catch(b=>d(b.message)).finally(()=>l(!1))}},[]);const u=()=>{if(!n){l(!1);return}l(!0),B(w,Nn,{}).then(({me:A})=>{i(A),A&&A.patients.length&&!A.patients.some(b=>b.id===s)&&m(A.patients[0].id)}).catch(A=>{A.code==="UNAUTHENTICATED"?(Se(null),r(null)):d(A.message)}).finally(()=>l(!1))};z(u,[n]);const h=()=>{Se(null),r(null),i(null)};let $;if(p&&!o)$=a("p",{class:"muted",children:g.loading});else if(!n||!o)$=a("section",{class:"card",children:[a("p",{children:g.signInIntro}),a("button",{class:"primary",onClick:rn,children:g.signInWechat})]});else if(!o.verified)$=a(Qn,{onVerified:u});else{const A=o.patients;$=a(le,{children:[a("label",{class:"patient",children:[g.patient," ",a("select",{value:s??"",onChange:b=>m(b.target.value),children:A.map(b=>a("option",{value:b.id,children:b.name},b.id))})]}),a("nav",{class:"tabs",children:[a("button",{class:_.name==="book"?"active":"",onClick:()=>f({name:"book"}),children:g.departments}),a("button",{class:_.name==="orders"||_.name==="order"?"active":"",onClick:()=>f({name:"orders"}),children:g.myOrders}),a("button",{class:_.name==="bills"?"active":"",onClick:()=>f({name:"bills"}),children:g.bills}),a("button",{class:_.name==="reports"?"active":"",onClick:()=>f({name:"reports"}),children:g.reports}),a("button",{class:_.name==="family"?"active":"",onClick:()=>f({name:"family"}),children:g.family})]}),_.name==="book"&&s&&a(Mn,{patientId:s,onBooked:b=>f({name:"order",id:b})}),_.name==="orders"&&a(Kn,{patientId:s,onOpen:b=>f({name:"order",id:b})}),_.name==="bills"&&s&&a(Ln,{patientId:s,onOrder:b=>f({name:"order",id:b})}),_.name==="reports"&&s&&a(Yn,{patientId:s,refresh:y}),_.name==="family"&&a(Wn,{patients:A,onBound:u}),_.name==="order"&&a(jn,{id:_.id,onBack:()=>f({name:"orders"})}),a(Gn,{onNotice:()=>N(b=>b+1)})]})}return a(Dt.Provider,{value:{session:w,language:e},children:[a("header",{children:[a("h1",{children:g.title}),a("span",{class:"spacer"}),o&&a("button",{class:"link",onClick:h,children:g.signOut}),a("button",{class:"link",lang:e==="en"?"zh-CN":"en",onClick:()=>t(e==="en"?"zh-CN":"en"),children:g.switchLanguage})]}),a("main",{children:[c&&a("p",{class:"error",role:"alert",children:c}),$]})]})}qt(a(Xn,{}),document.getElementById("app"));
