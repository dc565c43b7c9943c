var Rt=Object.defineProperty;var Ut=(e,t,n)=>t in e?Rt(e,t,{enumerable:!0,configurable:!0,writable:!0,value:n}):e[t]=n;var z=(e,t,n)=>Ut(e,typeof t!="symbol"?t+"":t,n);(function(){const t=document.createElement("link").relList;if(t&&t.supports&&t.supports("modulepreload"))return;for(const o of document.querySelectorAll('link[rel="modulepreload"]'))r(o);new MutationObserver(o=>{for(const i of o)if(i.type==="childList")for(const c of i.addedNodes)c.tagName==="LINK"&&c.rel==="modulepreload"&&r(c)}).observe(document,{childList:!0,subtree:!0});function n(o){const i={};return o.integrity&&(i.integrity=o.integrity),o.referrerPolicy&&(i.referrerPolicy=o.referrerPolicy),o.crossOrigin==="use-credentials"?i.credentials="include":o.crossOrigin==="anonymous"?i.credentials="omit":i.credentials="same-origin",i}function r(o){if(o.ep)return;o.ep=!0;const i=n(o);fetch(o.href,i)}})();var we,$,lt,Q,ze,dt,ut,Ae,pe,ae,pt,Ue,Pe,xe,mt,he={},ge=[],Ft=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,Ie=Array.isArray;function K(e,t){for(var n in t)e[n]=t[n];return e}function Fe(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Bt(e,t,n){var r,o,i,c={};for(i in t)i=="key"?r=t[i]:i=="ref"?o=t[i]:c[i]=t[i];if(arguments.length>2&&(c.children=arguments.length>3?we.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(i in e.defaultProps)c[i]===void 0&&(c[i]=e.defaultProps[i]);return me(e,c,r,o,null)}function me(e,t,n,r,o){var i={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:o??++lt,__i:-1,__u:0};return o==null&&$.vnode!=null&&$.vnode(i),i}function le(e){return e.children}function _e(e,t){this.props=e,this.context=t}function ee(e,t){if(t==null)return e.__?ee(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?ee(e):null}function Lt(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,r=[],o=[],i=K({},t);i.__v=t.__v+1,$.vnode&&$.vnode(i),Be(e.__P,i,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,r,n??ee(t),!!(32&t.__u),o),i.__v=t.__v,i.__.__k[i.__i]=i,yt(r,i,o),t.__e=t.__=null,i.__e!=n&&_t(i)}}function _t(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),_t(e)}function $e(e){(!e.__d&&(e.__d=!0)&&Q.push(e)&&!ye.__r++||ze!=$.debounceRendering)&&((ze=$.debounceRendering)||dt)(ye)}function ye(){try{for(var e,t=1;Q.length;)Q.length>t&&Q.sort(ut),e=Q.shift(),t=Q.length,Lt(e)}finally{Q.length=ye.__r=0}}function ft(e,t,n,r,o,i,c,l,u,d,m){var f,s,p,y,E,_,k=r&&r.__k||ge,g=t.length;for(u=Mt(n,t,k,u,g),f=0;f<g;f++)(p=n.__k[f])!=null&&(s=p.__i!=-1&&k[p.__i]||he,p.__i=f,_=Be(e,p,s,o,i,c,l,u,d,m),y=p.__e,p.ref&&s.ref!=p.ref&&(s.ref&&Le(s.ref,null,p),m.push(p.ref,p.__c||y,p)),E==null&&y!=null&&(E=y),4&p.__u?(u=ht(p,u,e),s.__e&&(s.__e=null)):typeof p.type=="function"&&_!==void 0?u=_:y&&(u=y.nextSibling),p.__u&=-7);return n.__e=E,u}function Mt(e,t,n,r,o){var i,c,l,u,d,m=n.length,f=m,s=0;for(e.__k=new Array(o),i=0;i<o;i++)(c=t[i])!=null&&typeof c!="boolean"&&typeof c!="function"?(typeof c=="string"||typeof c=="number"||typeof c=="bigint"||c.constructor==String?c=e.__k[i]=me(null,c,null,null,null):Ie(c)?c=e.__k[i]=me(le,{children:c},null,null,null):c.constructor===void 0&&c.__b>0?c=e.__k[i]=me(c.type,c.props,c.key,c.ref?c.ref:null,c.__v):e.__k[i]=c,u=i+s,c.__=e,c.__b=e.__b+1,l=null,(d=c.__i=Ht(c,n,u,f))!=-1&&(f--,(l=n[d])&&(l.__u|=2)),l==null||l.__v==null?(d==-1&&(o>m?s--:o<m&&s++),typeof c.type!="function"&&(c.__u|=4)):d!=u&&(d==u-1?s--:d==u+1?s++:(d>u?s--:s++,c.__u|=4))):e.__k[i]=null;if(f)for(i=0;i<m;i++)(l=n[i])!=null&&(2&l.__u)==0&&(l.__e==r&&(r=ee(l)),wt(l,l));return r}function ht(e,t,n){var r,o;if(typeof e.type=="function"){for(r=e.__k,o=0;r&&o<r.length;o++)r[o]&&(r[o].__=e,t=ht(r[o],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=ee(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Ht(e,t,n,r){var o,i,c,l=e.key,u=e.type,d=t[n],m=d!=null&&(2&d.__u)==0;if(d===null&&l==null||m&&l==d.key&&u==d.type)return n;if(r>(m?1:0)){for(o=n-1,i=n+1;o>=0||i<t.length;)if((d=t[c=o>=0?o--:i++])!=null&&(2&d.__u)==0&&l==d.key&&u==d.type)return c}return-1}function Ve(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Ft.test(t)?n:n+"px"}function ue(e,t,n,r,o){var i,c;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||Ve(e.style,t,"");if(n)for(t in n)r&&n[t]==r[t]||Ve(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")i=t!=(t=t.replace(pt,"$1")),c=t.toLowerCase(),t=c in e||t=="onFocusOut"||t=="onFocusIn"?c.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+i]=n,n?r?n[ae]=r[ae]:(n[ae]=Ue,e.addEventListener(t,i?xe:Pe,i)):e.removeEventListener(t,i?xe:Pe,i);else{if(o=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function je(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[pe]==null)t[pe]=Ue++;else if(t[pe]<n[ae])return;return n($.event?$.event(t):t)}}}function Be(e,t,n,r,o,i,c,l,u,d){var m,f,s,p,y,E,_,k,g,h,b,I,w,te,G,Y,M=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(u=!!(32&n.__u),i=[l=t.__e=n.__e]),(m=$.__b)&&m(t);e:if(typeof M=="function"){f=c.length;try{if(g=t.props,h=M.prototype&&M.prototype.render,b=(m=M.contextType)&&r[m.__c],I=m?b?b.props.value:m.__:r,n.__c?k=(s=t.__c=n.__c).__=s.__E:(h?t.__c=s=new M(g,I):(t.__c=s=new _e(g,I),s.constructor=M,s.render=qt),b&&b.sub(s),s.state||(s.state={}),s.__n=r,p=s.__d=!0,s.__h=[],s._sb=[]),h&&s.__s==null&&(s.__s=s.state),h&&M.getDerivedStateFromProps!=null&&(s.__s==s.state&&(s.__s=K({},s.__s)),K(s.__s,M.getDerivedStateFromProps(g,s.__s))),y=s.props,E=s.state,s.__v=t,p)h&&M.getDerivedStateFromProps==null&&s.componentWillMount!=null&&s.componentWillMount(),h&&s.componentDidMount!=null&&s.__h.push(s.componentDidMount);else{if(h&&M.getDerivedStateFromProps==null&&g!==y&&s.componentWillReceiveProps!=null&&s.componentWillReceiveProps(g,I),t.__v==n.__v||!s.__e&&s.shouldComponentUpdate!=null&&s.shouldComponentUpdate(g,s.__s,I)===!1){t.__v!=n.__v&&(s.props=g,s.state=s.__s,s.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(V){V&&(V.__=t)}),ge.push.apply(s.__h,s._sb),s._sb=[],s.__h.length&&c.push(s),l=ee(n);break e}s.componentWillUpdate!=null&&s.componentWillUpdate(g,s.__s,I),h&&s.componentDidUpdate!=null&&s.__h.push(function(){s.componentDidUpdate(y,E,_)})}if(s.context=I,s.props=g,s.__P=e,s.__e=!1,w=$.__r,te=0,h)s.state=s.__s,s.__d=!1,w&&w(t),m=s.render(s.props,s.state,s.context),ge.push.apply(s.__h,s._sb),s._sb=[];else do s.__d=!1,w&&w(t),m=s.render(s.props,s.state,s.context),s.state=s.__s;while(s.__d&&++te<25);s.state=s.__s,s.getChildContext!=null&&(r=K(K({},r),s.getChildContext())),h&&!p&&s.getSnapshotBeforeUpdate!=null&&(_=s.getSnapshotBeforeUpdate(y,E)),G=m!=null&&m.type===le&&m.key==null?bt(m.props.children):m,l=ft(e,Ie(G)?G:[G],t,n,r,o,i,c,l,u,d),s.base=t.__e,t.__u&=-161,s.__h.length&&c.push(s),k&&(s.__E=s.__=null)}catch(V){if(c.length=f,t.__v=null,u||i!=null){if(V.then){for(t.__u|=u?160:128;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;i!=null&&(i[i.indexOf(l)]=null),t.__e=l}else if(i!=null)for(Y=i.length;Y--;)Fe(i[Y])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),V.then||gt(t),$.__e(V,t,n)}}else i==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):l=t.__e=Wt(n.__e,t,n,r,o,i,c,u,d);return(m=$.diffed)&&m(t),128&t.__u?void 0:l}function gt(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(gt))}function yt(e,t,n){for(var r=0;r<n.length;r++)Le(n[r],n[++r],n[++r]);$.__c&&$.__c(t,e),e.some(function(o){try{e=o.__h,o.__h=[],e.some(function(i){i.call(o)})}catch(i){$.__e(i,o.__v)}})}function bt(e){return typeof e!="object"||e==null||e.__b>0?e:Ie(e)?e.map(bt):e.constructor!==void 0?null:K({},e)}function Wt(e,t,n,r,o,i,c,l,u){var d,m,f,s,p,y,E,_=n.props||he,k=t.props,g=t.type;if(g=="svg"?o="http://www.w3.org/2000/svg":g=="math"?o="http://www.w3.org/1998/Math/MathML":o||(o="http://www.w3.org/1999/xhtml"),i!=null){for(d=0;d<i.length;d++)if((p=i[d])&&"setAttribute"in p==!!g&&(g?p.localName==g:p.nodeType==3)){e=p,i[d]=null;break}}if(e==null){if(g==null)return document.createTextNode(k);e=document.createElementNS(o,g,k.is&&k),l&&($.__m&&$.__m(t,i),l=!1),i=null}if(g==null)_===k||l&&e.data==k||(e.data=k);else{if(i=g=="textarea"&&k.defaultValue!=null?null:i&&we.call(e.childNodes),!l&&i!=null)for(_={},d=0;d<e.attributes.length;d++)_[(p=e.attributes[d]).name]=p.value;for(d in _)p=_[d],d=="dangerouslySetInnerHTML"?f=p:d=="children"||d in k||d=="value"&&"defaultValue"in k||d=="checked"&&"defaultChecked"in k||ue(e,d,null,p,o);for(d in k)p=k[d],d=="children"?s=p:d=="dangerouslySetInnerHTML"?m=p:d=="value"?y=p:d=="checked"?E=p:l&&typeof p!="function"||_[d]===p||ue(e,d,p,_[d],o);if(m)l||f&&(m.__html==f.__html||m.__html==e.innerHTML)||(e.innerHTML=m.__html),t.__k=[];else if(f&&(e.innerHTML=""),ft(t.type=="template"?e.content:e,Ie(s)?s:[s],t,n,r,g=="foreignObject"?"http://www.w3.org/1999/xhtml":o,i,c,i?i[0]:n.__k&&ee(n,0),l,u),i!=null)for(d=i.length;d--;)Fe(i[d]);l&&g!="textarea"||(d="value",g=="progress"&&y==null?e.removeAttribute("value"):y!=null&&(y!==e[d]||g=="progress"&&!y||g=="option"&&y!=_[d])&&ue(e,d,y,_[d],o),d="checked",E!=null&&E!=e[d]&&ue(e,d,E,_[d],o))}return e}function Le(e,t,n){try{if(typeof e=="function"){var r=typeof e.__u=="function";r&&e.__u(),r&&t==null||(e.__u=e(t))}else e.current=t}catch(o){$.__e(o,n)}}function wt(e,t,n){var r,o;if($.unmount&&$.unmount(e),(r=e.ref)&&(r.current&&r.current!=e.__e||Le(r,null,t)),(r=e.__c)!=null){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(i){$.__e(i,t)}r.base=r.__P=r.__n=null}if(r=e.__k)for(o=0;o<r.length;o++)r[o]&&wt(r[o],t,n||typeof e.type!="function");n||Fe(e.__e),e.__c=e.__=e.__e=void 0}function qt(e,t,n){return this.constructor(e,n)}function Gt(e,t,n){var r,o,i,c;t==document&&(t=document.documentElement),$.__&&$.__(e,t),o=(r=!1)?null:t.__k,i=[],c=[],Be(t,e=t.__k=Bt(le,null,[e]),o||he,he,t.namespaceURI,o?null:t.firstChild?we.call(t.childNodes):null,i,o?o.__e:t.firstChild,r,c),yt(i,e,c),e.props.children=null}function zt(e){function t(n){var r,o;return this.getChildContext||(r=new Set,(o={})[t.__c]=this,this.getChildContext=function(){return o},this.componentWillUnmount=function(){r=null},this.shouldComponentUpdate=function(i){this.props.value!=i.value&&r.forEach(function(c){c.__e=!0,$e(c)})},this.sub=function(i){r.add(i);var c=i.componentWillUnmount;i.componentWillUnmount=function(){r&&r.delete(i),c&&c.call(i)}}),n.children}return t.__c="__cC"+mt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,r){return n.children(r)}).contextType=t,t}we=ge.slice,$={__e:function(e,t,n,r){for(var o,i,c;t=t.__;)if((o=t.__c)&&!o.__)try{if((i=o.constructor)&&i.getDerivedStateFromError!=null&&(o.setState(i.getDerivedStateFromError(e)),c=o.__d),o.componentDidCatch!=null&&(o.componentDidCatch(e,r||{}),c=o.__d),c)return o.__E=o}catch(l){e=l}throw e}},lt=0,_e.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=K({},this.state),typeof e=="function"&&(e=e(K({},n),this.props)),e&&K(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),$e(this))},_e.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),$e(this))},_e.prototype.render=le,Q=[],dt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,ut=function(e,t){return e.__v.__b-t.__v.__b},ye.__r=0,Ae=Math.random().toString(8),pe="__d"+Ae,ae="__a"+Ae,pt=/(PointerCapture)$|Capture$/i,Ue=0,Pe=je(!1),xe=je(!0),mt=0;var Vt=0;function a(e,t,n,r,o,i){t||(t={});var c,l,u=t;if("ref"in u)for(l in u={},t)l=="ref"?c=t[l]:u[l]=t[l];var d={type:e,props:u,key:n,ref:c,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Vt,__i:-1,__u:0,__source:o,__self:i};if(typeof e=="function"&&(c=e.defaultProps))for(l in c)u[l]===void 0&&(u[l]=c[l]);return $.vnode&&$.vnode(d),d}var oe,D,Se,Ke,be=0,It=[],R=$,Ye=R.__b,Qe=R.__r,Je=R.diffed,Xe=R.__c,Ze=R.unmount,et=R.__;function ke(e,t){R.__h&&R.__h(D,e,be||t),be=0;var n=D.__H||(D.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function S(e){return be=1,jt(St,e)}function jt(e,t,n){var r=ke(oe++,2);if(r.t=e,!r.__c&&(r.__=[St(void 0,t),function(l){var u=r.__N?r.__N[0]:r.__[0],d=r.t(u,l);u!==d&&(r.__N=[d,r.__[1]],r.__c.setState({}))}],r.__c=D,!D.__f)){var o=function(l,u,d){if(!r.__c.__H)return!0;var m=!1,f=r.__c.props!==l;if(r.__c.__H.__.some(function(p){if(p.__N){m=!0;var y=p.__[0];p.__=p.__N,p.__N=void 0,y!==p.__[0]&&(f=!0)}}),i){var s=i.call(this,l,u,d);return m?s||f:s}return!m||f};D.__f=!0;var i=D.shouldComponentUpdate,c=D.componentWillUpdate;D.componentWillUpdate=function(l,u,d){if(this.__e){var m=i;i=void 0,o(l,u,d),i=m}c&&c.call(this,l,u,d)},D.shouldComponentUpdate=o}return r.__N||r.__}function q(e,t){var n=ke(oe++,3);!R.__s&&At(n.__H,t)&&(n.__=e,n.u=t,D.__H.__h.push(n))}function Kt(e){return be=5,kt(function(){return{current:e}},[])}function kt(e,t){var n=ke(oe++,7);return At(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Yt(e){var t=D.context[e.__c],n=ke(oe++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub(D)),t.props.value):e.__}function Qt(){for(var e;e=It.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(fe),t.__h.some(Te),t.__h=[]}catch(n){t.__h=[],R.__e(n,e.__v)}}}R.__b=function(e){D=null,Ye&&Ye(e)},R.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),et&&et(e,t)},R.__r=function(e){Qe&&Qe(e),oe=0;var t=(D=e.__c).__H;t&&(Se===D?(t.__h=[],D.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(fe),t.__h.some(Te),t.__h=[],oe=0)),Se=D},R.diffed=function(e){Je&&Je(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(It.push(t)!==1&&Ke===R.requestAnimationFrame||((Ke=R.requestAnimationFrame)||Jt)(Qt)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),Se=D=null},R.__c=function(e,t){t.some(function(n){try{n.__h.some(fe),n.__h=n.__h.filter(function(r){return!r.__||Te(r)})}catch(r){t.some(function(o){o.__h&&(o.__h=[])}),t=[],R.__e(r,n.__v)}}),Xe&&Xe(e,t)},R.unmount=function(e){Ze&&Ze(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{fe(r)}catch(o){t=o}}),n.__H=void 0,t&&R.__e(t,n.__v))};var tt=typeof requestAnimationFrame=="function";function Jt(e){var t,n=function(){clearTimeout(r),tt&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);tt&&(t=requestAnimationFrame(n))}function fe(e){var t=D,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),D=t}function Te(e){var t=D;e.__c=e.__(),D=t}function At(e,t){return!e||e.length!==t.length||t.some(function(n,r){return n!==e[r]})}function St(e,t){return typeof t=="function"?t(e):t}const Xt={},Me=Xt;function Nt(e){return new URL(e,window.location.href).toString()}const Et=Nt(Me.VITE_GRAPHQL_URL??"/graphql"),Zt=Et.replace(/^http/,"ws"),en=Nt(Me.VITE_WECHAT_AUTHORIZE_URL??"/sim/wechat/connect/oauth2/authorize"),tn=Me.VITE_WECHAT_APP_ID??"wx-hospital-demo",De="hospital-h5:sign-in-state",Oe="hospital-h5:token";function nn(){return window.sessionStorage.getItem(Oe)}function Ne(e){e?window.sessionStorage.setItem(Oe,e):window.sessionStorage.removeItem(Oe)}function rn(){const e=crypto.getRandomValues(new Uint8Array(16));return Array.from(e,t=>t.toString(16).padStart(2,"0")).join("")}function He(){return window.location.origin+window.location.pathname}function on(){const e=rn();window.sessionStorage.setItem(De,e);const t=new URL(en);t.search=new URLSearchParams({appid:tn,redirect_uri:He(),response_type:"code",scope:"snsapi_base",state:e}).toString(),t.hash="wechat_redirect",window.location.assign(t.toString())}function sn(){const e=new URLSearchParams(window.location.search),t=e.get("code");if(!t)return null;const n=e.get("state"),r=window.sessionStorage.getItem(De);window.sessionStorage.removeItem(De),e.delete("code"),e.delete("state");const o=e.toString();return window.history.replaceState(null,"",He()+(o?`?${o}`:"")),r!==null&&r===n?{code:t}:{mismatch:!0}}function L(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function Z(e){return L(e)==="object"}function an(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function nt(e,t){return e.length<124?e:t}const cn="graphql-transport-ws";var H=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(H||{}),W=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(W||{});function vt(e){if(!Z(e))throw new Error(`Message is expected to be an object, but got ${L(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${L(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${L(e.payload.query)}`);if(e.payload.variables!=null&&!Z(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${L(e.payload.variables)}`);if(e.payload.operationName!=null&&L(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${L(e.payload.operationName)}`);if(e.payload.extensions!=null&&!Z(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${L(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Z(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${L(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!an(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${L(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function ln(e,t){return vt(typeof e=="string"?JSON.parse(e,t):e)}function ie(e,t){return vt(e),JSON.stringify(e,t)}function dn(e){const{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:o=console.error,lazyCloseTimeout:i=0,keepAlive:c=0,disablePong:l,connectionAckWaitTimeout:u=0,retryAttempts:d=5,retryWait:m=async function(T){const A=Math.pow(2,T);await new Promise(P=>setTimeout(P,A*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:f=Ee,on:s,webSocketImpl:p,generateID:y=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,T=>{const A=Math.random()*16|0;return(T=="x"?A:A&3|8).toString(16)})},jsonMessageReplacer:E,jsonMessageReviver:_}=e;let k;if(p){if(!pn(p))throw new Error("Invalid WebSocket implementation provided");k=p}else typeof WebSocket<"u"?k=WebSocket:typeof global<"u"?k=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(k=window.WebSocket||window.MozWebSocket);if(!k)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");const g=k,h=(()=>{const N=(()=>{const A={};return{on(P,O){return A[P]=O,()=>{delete A[P]}},emit(P){"id"in P&&A[P.id]?.(P)}}})(),T={connecting:s?.connecting?[s.connecting]:[],opened:s?.opened?[s.opened]:[],connected:s?.connected?[s.connected]:[],ping:s?.ping?[s.ping]:[],pong:s?.pong?[s.pong]:[],message:s?.message?[N.emit,s.message]:[N.emit],closed:s?.closed?[s.closed]:[],error:s?.error?[s.error]:[]};return{onMessage:N.on,on(A,P){const O=T[A];return O.push(P),()=>{const C=O.indexOf(P);C>-1&&O.splice(C,1)}},emit(A,...P){for(const O of[...T[A]])O(...P)}}})();function b(N){const T=[h.on("error",A=>{T.forEach(P=>P()),N(A)}),h.on("closed",A=>{T.forEach(P=>P()),N(A)})];return()=>T.forEach(A=>A())}let I,w=0,te,G=!1,Y=0,M=!1;async function V(){clearTimeout(te);const[N,T]=await(I??(I=new Promise((O,C)=>(async()=>{if(G){if(await m(Y),!w)return I=void 0,C({code:1e3,reason:"All Subscriptions Gone"});Y++}h.emit("connecting",G);const v=new g(typeof t=="function"?await t():t,cn);let j,ne;function de(){isFinite(c)&&c>0&&(clearTimeout(ne),ne=setTimeout(()=>{v.readyState===g.OPEN&&(v.send(ie({type:W.Ping})),h.emit("ping",!1,void 0))},c))}b(F=>{I=void 0,clearTimeout(j),clearTimeout(ne),C(F),F instanceof rt&&(v.close(4499,"Terminated"),v.onerror=null,v.onclose=null)}),v.onerror=F=>h.emit("error",F),v.onclose=F=>h.emit("closed",F),v.onopen=async()=>{try{h.emit("opened",v);const F=typeof n=="function"?await n():n;if(v.readyState!==g.OPEN)return;v.send(ie(F?{type:W.ConnectionInit,payload:F}:{type:W.ConnectionInit},E)),isFinite(u)&&u>0&&(j=setTimeout(()=>{v.close(H.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},u)),de()}catch(F){h.emit("error",F),v.close(H.InternalClientError,nt(F instanceof Error?F.message:String(F),"Internal client error"))}};let re=!1;v.onmessage=({data:F})=>{try{const U=ln(F,_);if(h.emit("message",U),U.type==="ping"||U.type==="pong"){h.emit(U.type,!0,U.payload),U.type==="pong"?de():l||(v.send(ie(U.payload?{type:W.Pong,payload:U.payload}:{type:W.Pong},E)),h.emit("pong",!1,U.payload));return}if(re)return;if(U.type!==W.ConnectionAck)throw new Error(`First message cannot be of type ${U.type}`);clearTimeout(j),re=!0,h.emit("connected",v,U.payload,G),G=!1,Y=0;const Ge=new Promise((er,Ct)=>b(Ct));Ge.catch(()=>{}),O([v,Ge])}catch(U){v.onmessage=null,h.emit("error",U),v.close(H.BadResponse,nt(U instanceof Error?U.message:String(U),"Bad response"))}}})())));N.readyState===g.CLOSING&&await T;let A=()=>{};const P=new Promise(O=>A=O);return[N,A,new Promise((O,C)=>{const v=b(C);N.readyState!==g.OPEN&&T.catch(C),P.then(()=>{if(v(),!w){const j=()=>N.close(1e3,"Normal Closure");isFinite(i)&&i>0?(clearTimeout(te),te=setTimeout(()=>{!w&&N.readyState===g.OPEN&&j()},i)):j()}O()})})]}function We(N){if(Ee(N)&&(un(N.code)||[H.InternalServerError,H.InternalClientError,H.BadRequest,H.BadResponse,H.Unauthorized,H.SubprotocolNotAcceptable,H.SubscriberAlreadyExists,H.TooManyInitialisationRequests].includes(N.code)))throw N;if(M)return!1;if(Ee(N)&&N.code===1e3)return w>0;if(!d||Y>=d||!f(N))throw N;return G=!0}r||(async()=>{for(w++;;)try{const[,,N]=await V();await N}catch(N){try{if(!We(N))return}catch(T){return o?.(T)}}})();function qe(N,T){const A=y(N);let P=!1,O=!1,C=()=>{w--,P=!0};return(async()=>{for(w++;;)try{const[v,j,ne]=await V();if(P)return ne.catch(()=>{}),j();const de=h.onMessage(A,re=>{switch(re.type){case W.Next:{T.next(re.payload);return}case W.Error:{O=!0,P=!0,T.error(re.payload),C();return}case W.Complete:{P=!0,C();return}}});v.send(ie({id:A,type:W.Subscribe,payload:N},E)),C=()=>{!P&&v.readyState===g.OPEN&&v.send(ie({id:A,type:W.Complete},E)),w--,P=!0,j()},await ne.finally(de);return}catch(v){if(!We(v))return}})().then(()=>{O||T.complete()}).catch(v=>{T.error(v)}),()=>{P||C()}}return{on:h.on,subscribe:qe,iterate(N){const T=[],A={done:!1,error:null,resolve:()=>{}},P=qe(N,{next(C){T.push(C),A.resolve()},error(C){A.done=!0,A.error=C,A.resolve()},complete(){A.done=!0,A.resolve()}}),O=(async function*(){for(;;){for(T.length||await new Promise(v=>A.resolve=v);T.length;)yield T.shift();if(A.error)throw A.error;if(A.done)return}})();return O.throw=async C=>(A.done||(A.done=!0,A.error=C,A.resolve()),{done:!0,value:void 0}),O.return=async()=>(P(),{done:!0,value:void 0}),O},async dispose(){if(M=!0,I){const[N]=await I;N.close(1e3,"Normal Closure")}},terminate(){I&&h.emit("closed",new rt)}}}class rt extends Error{constructor(){super(...arguments);z(this,"name","TerminatedCloseEvent");z(this,"message","4499: Terminated");z(this,"code",4499);z(this,"reason","Terminated");z(this,"wasClean",!1)}}function Ee(e){return Z(e)&&"code"in e&&"reason"in e}function un(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function pn(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}class Ce extends Error{constructor(n,r){super(n);z(this,"code");this.code=r}}const mn="PERSISTED_QUERY_NOT_FOUND",ot=new Map;async function _n(e){if(!globalThis.crypto?.subtle)return null;const t=await crypto.subtle.digest("SHA-256",new TextEncoder().encode(e));return Array.from(new Uint8Array(t),n=>n.toString(16).padStart(2,"0")).join("")}async function fn(e){const t=ot.get(e);if(t)return t;const n=await _n(e);return n&&ot.set(e,n),n}function hn(e){const t={"content-type":"application/json",accept:"application/graphql-response+json, application/json","accept-language":e.language};return e.token&&(t.authorization=`Bearer ${e.token}`),t}const gn="TRY_AGAIN",Pt=6e4,xt=1e3,yn=100;async function $t(e,t=xt){const n=Math.max(yn,Math.round(t*(.5+Math.random())));e.onWait?.(n),await new Promise(r=>setTimeout(r,n))}async function ve(e,t){const n=await fetch(Et,{method:"POST",headers:hn(e),body:JSON.stringify(t)});if(!(n.headers.get("content-type")??"").includes("json"))throw new Ce(`HTTP ${n.status}`,null);return{answer:await n.json(),retryAfter:n.headers.get("retry-after")}}function Re(e){return e.errors?.[0]?.extensions?.code??null}function bn({answer:e,retryAfter:t}){const n=e.errors?.[0]?.extensions?.retryAfterMs;if(typeof n=="number"&&n>=0)return n;const r=Number(t);return t&&Number.isFinite(r)&&r>=0?r*1e3:xt}async function it(e,t,n,r){if(!n)return ve(e,{query:t,variables:r});const o={version:1,sha256Hash:n},i=await ve(e,{variables:r,extensions:{persistedQuery:o}});return Re(i.answer)!==mn?i:ve(e,{query:t,variables:r,extensions:{persistedQuery:o}})}async function B(e,t,n,r={}){const o=t.toString(),i=await fn(o),c=r.until??Date.now()+Pt;let l=await it(e,o,i,n);for(;Re(l.answer)===gn&&l.answer.data===void 0&&Date.now()<c&&(r.wanted?.()??!0);)await $t(r,bn(l)),l=await it(e,o,i,n);const u=l.answer;if(u.errors?.length)throw new Ce(u.errors[0].message,Re(u));if(!u.data)throw new Ce("no data",null);return u.data}let se=null;function wn(e){if(se&&se.token===e.token)return se.client;se?.client.dispose();const t=e.token,n=dn({url:Zt,connectionParams:t?{Authorization:`Bearer ${t}`}:{},lazy:!0,retryAttempts:5});return se={client:n,token:t},n}function Tt(e,t,n,r){return wn(e).subscribe({query:t.toString(),variables:n},{next:o=>{o.data&&r(o.data)},error:()=>{},complete:()=>{}})}const In={title:"门诊挂号",switchLanguage:"English",signInWechat:"微信授权登录",signInIntro:"通过微信公众号授权登录后挂号、缴费、查看报告。",signingIn:"正在登录…",signInStateMismatch:"登录链接已失效，请重新登录",signOut:"退出",verifyTitle:"实名认证",verifyIntro:"首次使用请填写就诊人身份信息（与医院登记一致）。",name:"姓名",idNumber:"身份证号",phone:"手机号",verify:"认证",patient:"就诊人",departments:"科室",myOrders:"订单",back:"返回",noSchedules:"近 7 天无排班",remaining:"余号",fee:"挂号费",eligible:"可预约",full:"已约满",ended:"本时段已结束",book:"预约",confirmBook:"确认预约",order:"订单",status:"状态",amount:"金额",payNow:"去支付",paying:"正在等待支付结果…",ticket:"就诊凭条",ticketNumber:"序号",suggestedArrival:"建议到院时间",location:"就诊地点",cancel:"取消预约",confirmCancel:"确认取消预约？已付款项将原路退回。",refund:"退款",refundMode:"退款方式",refundBy:"预计到账",refundStatus:"退款状态",noOrders:"暂无挂号记录",loading:"加载中…",busy:"当前预约人数较多，正在排队，请勿离开…",live:"实时通知",family:"就诊人",bills:"缴费",noBills:"暂无待缴费用",payBills:"合并缴费",reports:"报告",noReports:"暂无报告",flags:{HIGH:"↑ 偏高",LOW:"↓ 偏低",ABNORMAL:"异常",CRITICAL:"危急"},bindTitle:"添加就诊人",bind:"添加",relation:"关系",relations:{SELF:"本人",CHILD:"子女",PARENT:"父母",SPOUSE:"配偶",OTHER:"其他"},period:{MORNING:"上午",AFTERNOON:"下午",EVENING:"夜间"},orderStatus:{AWAITING_PAYMENT:"待支付",PAID:"已支付，医院确认中",CONFIRMED:"已预约",EXPIRED:"已过期",CANCELLED:"已取消",FAILED:"医院未能确认，将退款",COMPLETED:"已就诊"},refundModes:{REVERSAL:"当日冲正，即时到账",REFUND:"原路退款，即时到账",BATCH:"次日批量退款，7 日内到账"},refundStatuses:{PENDING:"待退款",PROCESSING:"退款中",SUCCEEDED:"已退款",FAILED:"退款失败，请联系医院"}},kn={title:"Outpatient booking",switchLanguage:"中文",signInWechat:"Sign in with WeChat",signInIntro:"Sign in through the official account to book, pay and read reports.",signingIn:"Signing in…",signInStateMismatch:"This sign-in link has expired; please sign in again",signOut:"Sign out",verifyTitle:"Verify your identity",verifyIntro:"First time here: enter the patient's details as the hospital records them.",name:"Name",idNumber:"ID number",phone:"Mobile",verify:"Verify",patient:"Patient",departments:"Departments",myOrders:"Orders",back:"Back",noSchedules:"No clinics in the next 7 days",remaining:"Left",fee:"Fee",eligible:"Bookable",full:"Full",ended:"This clinic is over",book:"Book",confirmBook:"Confirm booking",order:"Order",status:"Status",amount:"Amount",payNow:"Pay",paying:"Waiting for the payment…",ticket:"Ticket",ticketNumber:"Number",suggestedArrival:"Suggested arrival",location:"Where",cancel:"Cancel booking",confirmCancel:"Cancel this booking? The money goes back the way it came.",refund:"Refund",refundMode:"Refund mode",refundBy:"Expected by",refundStatus:"Refund status",noOrders:"No bookings yet",loading:"Loading…",busy:"Many people are booking now; you are in the queue, please stay on this page…",live:"Live notices",family:"Patients",bills:"Bills",noBills:"Nothing to pay",payBills:"Pay all",reports:"Reports",noReports:"No reports yet",flags:{HIGH:"↑ high",LOW:"↓ low",ABNORMAL:"abnormal",CRITICAL:"critical"},bindTitle:"Add a family member",bind:"Add",relation:"Relation",relations:{SELF:"Self",CHILD:"Child",PARENT:"Parent",SPOUSE:"Spouse",OTHER:"Other"},period:{MORNING:"Morning",AFTERNOON:"Afternoon",EVENING:"Evening"},orderStatus:{AWAITING_PAYMENT:"Awaiting payment",PAID:"Paid, the hospital is confirming",CONFIRMED:"Booked",EXPIRED:"Expired",CANCELLED:"Cancelled",FAILED:"Not confirmed by the hospital; refunding",COMPLETED:"Attended"},refundModes:{REVERSAL:"Same-day reversal: back at once",REFUND:"Refund to the payer: back at once",BATCH:"Next-day batch: back within 7 days"},refundStatuses:{PENDING:"Pending",PROCESSING:"Processing",SUCCEEDED:"Refunded",FAILED:"Failed: please contact the hospital"}},Dt={"zh-CN":In,en:kn};function J(e){return`¥${(e/100).toFixed(2)}`}function ce(e){return e?`${e.slice(5,10)} ${e.slice(11,16)}`:"—"}const Ot=zt({session:{token:null,language:"zh-CN"},language:"zh-CN"});function X(){const e=Yt(Ot);return{...e,t:Dt[e.language]}}class x extends String{constructor(n,r){super(n);z(this,"__apiType");z(this,"value");z(this,"__meta__");this.value=n,this.__meta__=r}toString(){return this.value}}new x(`
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
    `,{fragmentName:"NoticeFields"});const An=new x(`
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
}`),Sn=new x(`
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
}`),Nn=new x(`
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
}`);const En=new x(`
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
}`),vn=new x(`
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
}`);const Pn=new x(`
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
}`),xn=new x(`
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
}`),$n=new x(`
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
}`),Tn=new x(`
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
}`),Dn=new x(`
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
}`),On=new x(`
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
}`),Cn=new x(`
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
    `),Rn=new x(`
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
}`),Un=new x(`
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
    `),Fn=new x(`
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
}`);const Bn=new x(`
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
}`),Ln=new x(`
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
    `);function Mn({patientId:e,onOrder:t}){const{session:n,t:r}=X(),[o,i]=S(null),[c,l]=S(null),[u,d]=S(!1);q(()=>{l(null),i(null),B(n,Cn,{patientId:e}).then(p=>i(p.unpaidBills)).catch(p=>l(p.message))},[e,n]);const m=async()=>{if(o?.length){d(!0),l(null);try{const{payBills:p}=await B(n,Rn,{input:{patientId:e,billIds:o.map(y=>y.id),idempotencyKey:crypto.randomUUID()}});p.__typename==="PayBillsSuccess"?t(p.order.id):"message"in p&&l(p.message)}catch(p){l(p.message)}finally{d(!1)}}},f=c&&a("p",{class:"error",role:"alert",children:c});if(!o)return f||a("p",{class:"muted",children:r.loading});if(!o.length)return f||a("p",{class:"muted",children:r.noBills});const s=o.reduce((p,y)=>p+y.amount,0);return a("section",{children:[f,o.map(p=>a("article",{class:"card bill",children:[a("h3",{children:[p.title," · ",J(p.amount)]}),a("p",{class:"muted",children:ce(p.issuedAt)}),p.items.map(y=>a("p",{children:a("small",{children:[y.name," ",J(y.amount)]})},y.code))]},p.id)),a("button",{class:"primary",disabled:u,onClick:m,children:[r.payBills," ",J(s)]})]})}function st(e){return new Date(e.getTime()-e.getTimezoneOffset()*6e4).toISOString().slice(0,10)}function at(e){return e.slice(11,16)}function Hn({patientId:e,onBooked:t}){const{session:n,t:r}=X(),[o,i]=S(null),[c,l]=S(null),[u,d]=S(null),[m,f]=S(null),[s,p]=S(!1),[y,E]=S(!1),_=Kt(!0);q(()=>()=>{_.current=!1},[]),q(()=>{B(n,vn,{}).then(h=>i(h.departments)).catch(h=>f(h.message))},[n]),q(()=>{if(!c)return;d(null);const h=new Date,b=new Date(h.getTime()+6*864e5);B(n,Pn,{departmentId:c.id,from:st(h),to:st(b),patientId:e}).then(I=>d(I.schedules)).catch(I=>f(I.message))},[c,e,n]);const k=async h=>{p(!0),f(null);const b={patientId:e,slotId:h,idempotencyKey:crypto.randomUUID()},I={onWait:()=>E(!0),until:Date.now()+Pt,wanted:()=>_.current};try{for(;;){const{bookAppointment:w}=await B(n,xn,{input:b},I);if(!_.current)return;if(w.__typename==="BookAppointmentSuccess")t(w.order.id);else if(w.__typename==="TryAgainError"&&Date.now()<I.until){if(await $t(I),!_.current)return;continue}else"message"in w&&f(w.message);break}}catch(w){_.current&&f(w.message)}finally{_.current&&(E(!1),p(!1))}},g=m&&a("p",{class:"error",role:"alert",children:m})||y&&a("p",{class:"busy",role:"status",children:r.busy});if(!c){if(!o)return g||a("p",{class:"muted",children:r.loading});const h=o.flatMap(b=>b.children.length?b.children.map(I=>({...I,parent:b.name})):[{id:b.id,name:b.name,parent:""}]);return a("section",{children:[g,a("ul",{class:"list",children:h.map(b=>a("li",{children:a("button",{class:"row",onClick:()=>l({id:b.id,name:b.name}),children:[a("span",{children:b.name}),a("small",{class:"muted",children:b.parent})]})},b.id))})]})}return a("section",{children:[a("p",{children:[a("button",{class:"link",onClick:()=>l(null),children:["← ",r.back]})," ",a("strong",{children:c.name})]}),g,!u&&a("p",{class:"muted",children:r.loading}),u&&!u.length&&a("p",{class:"muted",children:r.noSchedules}),u?.map(h=>a("article",{class:"card schedule","data-schedule":h.id,"data-date":h.date,children:[a("h3",{children:[h.date," ",r.period[h.period]," · ",h.expert?`${h.expert.name} ${h.expert.title}`:c.name]}),a("p",{class:"muted",children:[r.fee," ",J(h.fee)," · ",r.remaining," ",h.remaining,"/",h.capacity]}),h.eligibility&&!h.eligibility.eligible?a("p",{class:"reason","data-code":h.eligibility.code??"",children:h.eligibility.reason}):a("div",{class:"slots",children:[h.slots.filter(b=>Date.parse(b.endsAt)>Date.now()).length===0&&a("p",{class:"muted",children:r.ended}),h.slots.filter(b=>Date.parse(b.endsAt)>Date.now()).map(b=>a("button",{class:"slot",disabled:s||b.remaining<1,title:b.remaining<1?r.full:r.eligible,onClick:()=>k(b.id),children:[at(b.startsAt),"–",at(b.endsAt),a("small",{children:b.remaining<1?r.full:`${r.remaining} ${b.remaining}`})]},b.id))]})]},h.id))]})}const Wn=["CHILD","PARENT","SPOUSE","OTHER"];function qn({patients:e,onBound:t}){const{session:n,t:r}=X(),[o,i]=S(""),[c,l]=S(""),[u,d]=S(""),[m,f]=S("CHILD"),[s,p]=S(null),[y,E]=S(!1),_=async g=>{g.preventDefault(),E(!0),p(null);try{const{bindPatient:h}=await B(n,Nn,{input:{name:o.trim(),idNumber:c.trim(),phone:u.trim(),relation:m}});h.__typename==="BindPatientSuccess"?(i(""),l(""),t()):"message"in h&&p(h.message)}catch(h){p(h.message)}finally{E(!1)}},k=(g,h,b)=>a("label",{class:"field",children:[a("span",{children:g}),a("input",{value:h,required:!0,onInput:I=>b(I.target.value)})]});return a("section",{children:[a("ul",{class:"list",children:e.map(g=>a("li",{class:"card patient-row",children:[a("strong",{children:g.name})," ",a("small",{class:"muted",children:r.relations[g.relation]}),a("br",{}),a("small",{class:"muted",children:[g.maskedIdNumber," · ",g.cardNumber??""]})]},g.id))}),a("form",{class:"card",onSubmit:_,children:[a("h2",{children:r.bindTitle}),k(r.name,o,i),k(r.idNumber,c,l),k(r.phone,u,d),a("label",{class:"field",children:[a("span",{children:r.relation}),a("select",{value:m,onChange:g=>f(g.target.value),children:Wn.map(g=>a("option",{value:g,children:r.relations[g]},g))})]}),s&&a("p",{class:"error",role:"alert",children:s}),a("button",{class:"primary",type:"submit",disabled:y,children:r.bind})]})]})}const Gn=3;function zn({onNotice:e}){const{session:t,t:n}=X(),[r,o]=S([]);return q(()=>Tt(t,Bn,{},i=>{const c=i.notices;o(l=>[c,...l].slice(0,Gn)),e(c)}),[t]),r.length?a("aside",{class:"card notices","aria-live":"polite",children:[a("h2",{children:n.live}),r.map(i=>a("p",{"data-kind":i.kind,children:[a("strong",{children:i.title})," ",i.body]},i.id))]}):null}const Vn=new Set(["AWAITING_PAYMENT","PAID"]),jn=2e3;function Kn({id:e,onBack:t}){const{session:n,t:r}=X(),[o,i]=S(null),[c,l]=S(null),[u,d]=S(!1),m=()=>B(n,Dn,{id:e}).then(_=>i(_.order)).catch(_=>l(_.message));q(()=>{m();const _=Tt(n,Ln,{orderId:e},()=>m()),k=window.setInterval(()=>{document.visibilityState==="visible"&&m()},jn);return()=>{_(),window.clearInterval(k)}},[e,n]);const f=async()=>{d(!0),l(null);try{const{payOrder:_}=await B(n,$n,{orderId:e,idempotencyKey:`pay-${e}`});if(_.__typename==="PayOrderSuccess"){const k=new URL(_.payment.payUrl);k.searchParams.set("redirect_url",`${He()}?order=${encodeURIComponent(e)}`),window.location.assign(k.toString());return}"message"in _&&l(_.message)}catch(_){l(_.message)}d(!1)},s=async()=>{if(window.confirm(r.confirmCancel)){d(!0),l(null);try{const{cancelAppointment:_}=await B(n,Tn,{orderId:e,reason:null});_.__typename==="CancelAppointmentSuccess"?i(_.order):"message"in _&&l(_.message)}catch(_){l(_.message)}finally{d(!1)}}},p=a("p",{children:a("button",{class:"link",onClick:t,children:["← ",r.back]})});if(!o)return a("section",{children:[p,c?a("p",{class:"error",children:c}):a("p",{class:"muted",children:r.loading})]});const y=o.appointment,E=o.kind==="REGISTRATION"&&["AWAITING_PAYMENT","PAID","CONFIRMED"].includes(o.status);return a("section",{children:[p,a("article",{class:"card order","data-status":o.status,children:[a("h2",{children:[r.order," · ",a("span",{class:"status",children:r.orderStatus[o.status]??o.status})]}),y&&a("p",{children:[y.department?.name," ",y.expert?`· ${y.expert.name} ${y.expert.title}`:"",a("br",{}),y.date," ",r.period[y.period]," ",y.startsAt.slice(11,16),"–",y.endsAt.slice(11,16)]}),a("p",{children:[o.patient.name," · ",r.amount," ",J(o.amount)]}),Vn.has(o.status)&&o.paidAt&&a("p",{class:"muted",children:r.paying}),o.status==="AWAITING_PAYMENT"&&a("button",{class:"primary",disabled:u,onClick:f,children:[r.payNow," ",J(o.amount)]})]}),o.ticket&&a("article",{class:"card ticket",children:[a("h2",{children:r.ticket}),a("p",{class:"number",children:[r.ticketNumber," ",a("strong",{children:o.ticket.number})]}),a("p",{children:[r.suggestedArrival," ",a("strong",{class:"arrival",children:ce(o.ticket.suggestedArrival)})]}),o.ticket.location&&a("p",{children:[r.location," ",o.ticket.location]})]}),o.refund&&a("article",{class:"card refund",children:[a("h2",{children:r.refund}),a("p",{children:[r.amount," ",J(o.refund.amount)," ·"," ",r.refundStatuses[o.refund.status]??o.refund.status]}),a("p",{children:[r.refundMode," ",a("strong",{class:"mode",children:o.refund.mode?r.refundModes[o.refund.mode]:"—"})]}),a("p",{children:[r.refundBy," ",a("strong",{class:"expected",children:ce(o.refund.expectedBy)})]})]}),c&&a("p",{class:"error",role:"alert",children:c}),E&&a("button",{class:"danger",disabled:u,onClick:s,children:r.cancel})]})}function Yn({patientId:e,onOpen:t}){const{session:n,t:r}=X(),[o,i]=S(null),[c,l]=S(null);return q(()=>{B(n,On,{patientId:e,status:null,first:20,after:null}).then(u=>i(u.orders.edges.map(d=>d.node))).catch(u=>l(u.message))},[e,n]),c?a("p",{class:"error",children:c}):o?o.length?a("ul",{class:"list",children:o.map(u=>a("li",{children:a("button",{class:"row",onClick:()=>t(u.id),children:[a("span",{children:[u.appointment?.date," ",u.appointment?.department?.name??u.items[0]?.name]}),a("small",{children:[r.orderStatus[u.status]??u.status," · ",J(u.amount)]})]})},u.id))}):a("p",{class:"muted",children:r.noOrders}):a("p",{class:"muted",children:r.loading})}function Qn({patientId:e,refresh:t}){const{session:n,t:r}=X(),[o,i]=S(null),[c,l]=S(null),[u,d]=S(null);q(()=>{d(null),B(n,Un,{patientId:e,first:20,after:null}).then(f=>i(f.reports.edges.map(s=>s.node))).catch(f=>d(f.message))},[e,n,t]);const m=f=>B(n,Fn,{id:f}).then(s=>l(s.report)).catch(s=>d(s.message));return u?a("p",{class:"error",role:"alert",children:u}):c?a("section",{class:"card report",children:[a("p",{children:a("button",{class:"link",onClick:()=>l(null),children:["← ",r.back]})}),a("h2",{children:c.title}),a("p",{class:"muted",children:ce(c.issuedAt)}),c.conclusion&&a("p",{children:c.conclusion}),a("table",{children:a("tbody",{children:c.items.map(f=>a("tr",{children:[a("td",{children:f.name}),a("td",{children:[f.value," ",f.unit??""," ",f.flag==="NORMAL"?"":r.flags[f.flag]??f.flag]}),a("td",{class:"muted",children:f.referenceRange??""})]},f.name))})})]}):o?o.length?a("ul",{class:"list reports",children:o.map(f=>a("li",{children:a("button",{class:"row",onClick:()=>m(f.id),children:[a("span",{children:f.title}),a("small",{class:"muted",children:ce(f.issuedAt)})]})},f.id))}):a("p",{class:"muted",children:r.noReports}):a("p",{class:"muted",children:r.loading})}function Jn({onVerified:e}){const{session:t,t:n}=X(),[r,o]=S(""),[i,c]=S(""),[l,u]=S(""),[d,m]=S(null),[f,s]=S(!1),p=async E=>{E.preventDefault(),s(!0),m(null);try{const{verifyIdentity:_}=await B(t,Sn,{input:{name:r.trim(),idNumber:i.trim(),phone:l.trim()}});_.__typename==="VerifyIdentitySuccess"?e():"message"in _&&m(_.message)}catch(_){m(_.message)}finally{s(!1)}},y=(E,_,k,g)=>a("label",{class:"field",children:[a("span",{children:E}),a("input",{value:_,inputMode:g,required:!0,onInput:h=>k(h.target.value)})]});return a("form",{class:"card",onSubmit:p,children:[a("h2",{children:n.verifyTitle}),a("p",{class:"muted",children:n.verifyIntro}),y(n.name,r,o,"text"),y(n.idNumber,i,c,"text"),y(n.phone,l,u,"tel"),d&&a("p",{class:"error",role:"alert",children:d}),a("button",{class:"primary",type:"submit",disabled:f,children:n.verify})]})}const ct="hospital-h5:language";function Xn(){const e=new URLSearchParams(window.location.search).get("order");return e?{name:"order",id:e}:{name:"book"}}function Zn(){const[e,t]=S(window.localStorage.getItem(ct)??"zh-CN"),[n,r]=S(nn()),[o,i]=S(null),[c,l]=S(null),[u,d]=S(!0),[m,f]=S(Xn()),[s,p]=S(null),[y,E]=S(0),_=Dt[e],k=kt(()=>({token:n,language:e}),[n,e]);q(()=>{document.documentElement.lang=e,document.title=_.title,window.localStorage.setItem(ct,e)},[e]),q(()=>{const I=sn();if(I!==null){if("mismatch"in I){l(_.signInStateMismatch);return}d(!0),B({token:null,language:e},An,{code:I.code}).then(({signIn:w})=>{w.__typename==="SignInSuccess"?(Ne(w.token),r(w.token)):"message"in w&&l(w.message)}).catch(w=>l(w.message)).finally(()=>d(!1))}},[]);const g=()=>{if(!n){d(!1);return}d(!0),B(k,En,{}).then(({me:I})=>{i(I),I&&I.patients.length&&!I.patients.some(w=>w.id===s)&&p(I.patients[0].id)}).catch(I=>{I.code==="UNAUTHENTICATED"?(Ne(null),r(null)):l(I.message)}).finally(()=>d(!1))};q(g,[n]);const h=()=>{Ne(null),r(null),i(null)};let b;if(u&&!o)b=a("p",{class:"muted",children:_.loading});else if(!n||!o)b=a("section",{class:"card",children:[a("p",{children:_.signInIntro}),a("button",{class:"primary",onClick:on,children:_.signInWechat})]});else if(!o.verified)b=a(Jn,{onVerified:g});else{const I=o.patients;b=a(le,{children:[a("label",{class:"patient",children:[_.patient," ",a("select",{value:s??"",onChange:w=>p(w.target.value),children:I.map(w=>a("option",{value:w.id,children:w.name},w.id))})]}),a("nav",{class:"tabs",children:[a("button",{class:m.name==="book"?"active":"",onClick:()=>f({name:"book"}),children:_.departments}),a("button",{class:m.name==="orders"||m.name==="order"?"active":"",onClick:()=>f({name:"orders"}),children:_.myOrders}),a("button",{class:m.name==="bills"?"active":"",onClick:()=>f({name:"bills"}),children:_.bills}),a("button",{class:m.name==="reports"?"active":"",onClick:()=>f({name:"reports"}),children:_.reports}),a("button",{class:m.name==="family"?"active":"",onClick:()=>f({name:"family"}),children:_.family})]}),m.name==="book"&&s&&a(Hn,{patientId:s,onBooked:w=>f({name:"order",id:w})}),m.name==="orders"&&a(Yn,{patientId:s,onOpen:w=>f({name:"order",id:w})}),m.name==="bills"&&s&&a(Mn,{patientId:s,onOrder:w=>f({name:"order",id:w})}),m.name==="reports"&&s&&a(Qn,{patientId:s,refresh:y}),m.name==="family"&&a(qn,{patients:I,onBound:g}),m.name==="order"&&a(Kn,{id:m.id,onBack:()=>f({name:"orders"})}),a(zn,{onNotice:()=>E(w=>w+1)})]})}return a(Ot.Provider,{value:{session:k,language:e},children:[a("header",{children:[a("h1",{children:_.title}),a("span",{class:"spacer"}),o&&a("button",{class:"link",onClick:h,children:_.signOut}),a("button",{class:"link",lang:e==="en"?"zh-CN":"en",onClick:()=>t(e==="en"?"zh-CN":"en"),children:_.switchLanguage})]}),a("main",{children:[c&&a("p",{class:"error",role:"alert",children:c}),b]})]})}Gt(a(Zn,{}),document.getElementById("app"));
