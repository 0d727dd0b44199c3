/* media-chrome 4.19.4 (MIT, Mux), bundled by webapp/vendor_build */
var LifelongMedia=(()=>{var Fi={"Start airplay":"Start airplay","Stop airplay":"Stop airplay",Audio:"Audio",Captions:"Captions","Enable captions":"Enable captions","Disable captions":"Disable captions","Start casting":"Start casting","Stop casting":"Stop casting","Enter fullscreen mode":"Enter fullscreen mode","Exit fullscreen mode":"Exit fullscreen mode",Mute:"Mute",Unmute:"Unmute",Loop:"Loop","Enter picture in picture mode":"Enter picture in picture mode","Exit picture in picture mode":"Exit picture in picture mode",Play:"Play",Pause:"Pause","Playback rate":"Playback rate","Playback rate {playbackRate}":"Playback rate {playbackRate}",Quality:"Quality","Seek backward":"Seek backward","Seek forward":"Seek forward",Settings:"Settings",Auto:"Auto","audio player":"audio player","video player":"video player",volume:"volume",seek:"seek","closed captions":"closed captions","current playback rate":"current playback rate","playback time":"playback time","media loading":"media loading",settings:"settings","audio tracks":"audio tracks",quality:"quality",play:"play",pause:"pause",mute:"mute",unmute:"unmute","chapter: {chapterName}":"chapter: {chapterName}",live:"live",Off:"Off","start airplay":"start airplay","stop airplay":"stop airplay","start casting":"start casting","stop casting":"stop casting","enter fullscreen mode":"enter fullscreen mode","exit fullscreen mode":"exit fullscreen mode","enter picture in picture mode":"enter picture in picture mode","exit picture in picture mode":"exit picture in picture mode","seek to live":"seek to live","playing live":"playing live","seek back {seekOffset} seconds":"seek back {seekOffset} seconds","seek forward {seekOffset} seconds":"seek forward {seekOffset} seconds","Network Error":"Network Error","Decode Error":"Decode Error","Source Not Supported":"Source Not Supported","Encryption Error":"Encryption Error","A network error caused the media download to fail.":"A network error caused the media download to fail.","A media error caused playback to be aborted. The media could be corrupt or your browser does not support this format.":"A media error caused playback to be aborted. The media could be corrupt or your browser does not support this format.","An unsupported error occurred. The server or network failed, or your browser does not support this format.":"An unsupported error occurred. The server or network failed, or your browser does not support this format.","The media is encrypted and there are no keys to decrypt it.":"The media is encrypted and there are no keys to decrypt it.",hour:"hour",hours:"hours",minute:"minute",minutes:"minutes",second:"second",seconds:"seconds","{time} remaining":"{time} remaining","{currentTime} of {totalTime}":"{currentTime} of {totalTime}","video not loaded, unknown time.":"video not loaded, unknown time."};var Xo,ht={en:Fi},mt=((Xo=globalThis.navigator)==null?void 0:Xo.language)||"en",Bi=t=>{mt=t},Yt=(t,e)=>{ht[t]=e},Zn=t=>{var e,i,r;let[a]=mt.split("-");return((e=ht[mt])==null?void 0:e[t])||((i=ht[a])==null?void 0:i[t])||((r=ht.en)==null?void 0:r[t])||t},Jo=()=>{let[t]=mt.split("-");return ht[mt]?mt:ht[t]?t:"en"},h=(t,e={})=>Zn(t).replace(/\{(\w+)\}/g,(i,r)=>r in e?String(e[r]):`{${r}}`);var pa={"Start airplay":"\u5F00\u59CB AirPlay","Stop airplay":"\u505C\u6B62 AirPlay",Audio:"\u97F3\u9891",Captions:"\u5B57\u5E55","Enable captions":"\u5F00\u542F\u5B57\u5E55","Disable captions":"\u5173\u95ED\u5B57\u5E55","Start casting":"\u5F00\u59CB\u6295\u5C4F","Stop casting":"\u505C\u6B62\u6295\u5C4F","Enter fullscreen mode":"\u8FDB\u5165\u5168\u5C4F","Exit fullscreen mode":"\u9000\u51FA\u5168\u5C4F",Mute:"\u9759\u97F3",Unmute:"\u6062\u590D\u97F3\u91CF",Loop:"\u5FAA\u73AF\u64AD\u653E","Enter picture in picture mode":"\u5F00\u542F\u753B\u4E2D\u753B","Exit picture in picture mode":"\u5173\u95ED\u753B\u4E2D\u753B",Play:"\u64AD\u653E",Pause:"\u6682\u505C","Playback rate":"\u64AD\u653E\u901F\u5EA6","Playback rate {playbackRate}":"\u64AD\u653E\u901F\u5EA6\uFF1A{playbackRate}",Quality:"\u6E05\u6670\u5EA6","Seek backward":"\u5FEB\u9000","Seek forward":"\u5FEB\u8FDB",Settings:"\u8BBE\u7F6E",Auto:"\u81EA\u52A8","audio player":"\u97F3\u9891\u64AD\u653E\u5668","video player":"\u89C6\u9891\u64AD\u653E\u5668",volume:"\u97F3\u91CF",seek:"\u8DF3\u8F6C","closed captions":"\u9690\u85CF\u5F0F\u8F85\u52A9\u5B57\u5E55","current playback rate":"\u5F53\u524D\u64AD\u653E\u901F\u5EA6","playback time":"\u64AD\u653E\u65F6\u95F4","media loading":"\u5A92\u4F53\u52A0\u8F7D\u4E2D...",settings:"\u8BBE\u7F6E","audio tracks":"\u97F3\u8F68",quality:"\u6E05\u6670\u5EA6",play:"\u64AD\u653E",pause:"\u6682\u505C",mute:"\u9759\u97F3",unmute:"\u6062\u590D\u97F3\u91CF","chapter: {chapterName}":"\u7AE0\u8282: {chapterName}",live:"\u76F4\u64AD",Off:"\u5173\u95ED","start airplay":"\u5F00\u59CB AirPlay","stop airplay":"\u505C\u6B62 AirPlay","start casting":"\u5F00\u59CB\u6295\u5C4F","stop casting":"\u505C\u6B62\u6295\u5C4F","enter fullscreen mode":"\u8FDB\u5165\u5168\u5C4F","exit fullscreen mode":"\u9000\u51FA\u5168\u5C4F","enter picture in picture mode":"\u5F00\u542F\u753B\u4E2D\u753B","exit picture in picture mode":"\u5173\u95ED\u753B\u4E2D\u753B","seek to live":"\u8DF3\u8F6C\u81F3\u76F4\u64AD\u8FDB\u5EA6","playing live":"\u6B63\u5728\u76F4\u64AD\u4E2D","seek back {seekOffset} seconds":"\u5FEB\u9000 {seekOffset} \u79D2","seek forward {seekOffset} seconds":"\u5FEB\u8FDB {seekOffset} \u79D2","Network Error":"\u7F51\u7EDC\u9519\u8BEF","Decode Error":"\u89E3\u7801\u5931\u8D25","Source Not Supported":"\u4E0D\u652F\u6301\u7684\u5A92\u4F53\u6765\u6E90","Encryption Error":"\u52A0\u5BC6\u9519\u8BEF","A network error caused the media download to fail.":"\u5A92\u4F53\u4E0B\u8F7D\u5931\u8D25\uFF0C\u8BF7\u68C0\u67E5\u7F51\u7EDC\u8FDE\u63A5\u3002","A media error caused playback to be aborted. The media could be corrupt or your browser does not support this format.":"\u5A92\u4F53\u9519\u8BEF\u5BFC\u81F4\u64AD\u653E\u4E2D\u6B62\u3002\u53EF\u80FD\u662F\u6587\u4EF6\u635F\u574F\uFF0C\u6216\u6D4F\u89C8\u5668\u4E0D\u652F\u6301\u8BE5\u683C\u5F0F\u3002","An unsupported error occurred. The server or network failed, or your browser does not support this format.":"\u53D1\u751F\u672A\u652F\u6301\u7684\u9519\u8BEF\uFF0C\u53EF\u80FD\u662F\u670D\u52A1\u5668\u6216\u7F51\u7EDC\u6545\u969C\uFF0C\u6216\u6D4F\u89C8\u5668\u4E0D\u652F\u6301\u8BE5\u683C\u5F0F\u3002","The media is encrypted and there are no keys to decrypt it.":"\u5A92\u4F53\u5DF2\u52A0\u5BC6\uFF0C\u7F3A\u5C11\u89E3\u5BC6\u5BC6\u94A5\u3002",hour:"\u5C0F\u65F6",hours:"\u5C0F\u65F6",minute:"\u5206\u949F",minutes:"\u5206\u949F",second:"\u79D2",seconds:"\u79D2","{time} remaining":"\u5269\u4F59 {time}","{currentTime} of {totalTime}":"{currentTime} / {totalTime}","video not loaded, unknown time.":"\u89C6\u9891\u672A\u52A0\u8F7D\uFF0C\u65F6\u95F4\u672A\u77E5\u3002"};Yt("zh-CN",pa);Yt("en",{...Fi,"Playback rate {playbackRate}":"Playback rate {playbackRate}x"});Yt("zh-CN",{...pa,"Playback rate {playbackRate}":"\u64AD\u653E\u901F\u5EA6 {playbackRate}x"});Bi(document.documentElement.lang||"zh-CN");var m={MEDIA_PLAY_REQUEST:"mediaplayrequest",MEDIA_PAUSE_REQUEST:"mediapauserequest",MEDIA_MUTE_REQUEST:"mediamuterequest",MEDIA_UNMUTE_REQUEST:"mediaunmuterequest",MEDIA_LOOP_REQUEST:"medialooprequest",MEDIA_VOLUME_REQUEST:"mediavolumerequest",MEDIA_SEEK_REQUEST:"mediaseekrequest",MEDIA_AIRPLAY_REQUEST:"mediaairplayrequest",MEDIA_ENTER_FULLSCREEN_REQUEST:"mediaenterfullscreenrequest",MEDIA_EXIT_FULLSCREEN_REQUEST:"mediaexitfullscreenrequest",MEDIA_PREVIEW_REQUEST:"mediapreviewrequest",MEDIA_ENTER_PIP_REQUEST:"mediaenterpiprequest",MEDIA_EXIT_PIP_REQUEST:"mediaexitpiprequest",MEDIA_ENTER_CAST_REQUEST:"mediaentercastrequest",MEDIA_EXIT_CAST_REQUEST:"mediaexitcastrequest",MEDIA_SHOW_TEXT_TRACKS_REQUEST:"mediashowtexttracksrequest",MEDIA_HIDE_TEXT_TRACKS_REQUEST:"mediahidetexttracksrequest",MEDIA_SHOW_SUBTITLES_REQUEST:"mediashowsubtitlesrequest",MEDIA_DISABLE_SUBTITLES_REQUEST:"mediadisablesubtitlesrequest",MEDIA_TOGGLE_SUBTITLES_REQUEST:"mediatogglesubtitlesrequest",MEDIA_PLAYBACK_RATE_REQUEST:"mediaplaybackraterequest",MEDIA_RENDITION_REQUEST:"mediarenditionrequest",MEDIA_AUDIO_TRACK_REQUEST:"mediaaudiotrackrequest",MEDIA_SEEK_TO_LIVE_REQUEST:"mediaseektoliverequest",REGISTER_MEDIA_STATE_RECEIVER:"registermediastatereceiver",UNREGISTER_MEDIA_STATE_RECEIVER:"unregistermediastatereceiver"},M={MEDIA_CHROME_ATTRIBUTES:"mediachromeattributes",MEDIA_CONTROLLER:"mediacontroller"},Ea={MEDIA_AIRPLAY_UNAVAILABLE:"mediaAirplayUnavailable",MEDIA_AUDIO_TRACK_ENABLED:"mediaAudioTrackEnabled",MEDIA_AUDIO_TRACK_LIST:"mediaAudioTrackList",MEDIA_AUDIO_TRACK_UNAVAILABLE:"mediaAudioTrackUnavailable",MEDIA_BUFFERED:"mediaBuffered",MEDIA_CAST_UNAVAILABLE:"mediaCastUnavailable",MEDIA_CHAPTERS_CUES:"mediaChaptersCues",MEDIA_CURRENT_TIME:"mediaCurrentTime",MEDIA_DURATION:"mediaDuration",MEDIA_ENDED:"mediaEnded",MEDIA_ERROR:"mediaError",MEDIA_ERROR_CODE:"mediaErrorCode",MEDIA_ERROR_MESSAGE:"mediaErrorMessage",MEDIA_FULLSCREEN_UNAVAILABLE:"mediaFullscreenUnavailable",MEDIA_HAS_PLAYED:"mediaHasPlayed",MEDIA_HEIGHT:"mediaHeight",MEDIA_IS_AIRPLAYING:"mediaIsAirplaying",MEDIA_IS_CASTING:"mediaIsCasting",MEDIA_IS_FULLSCREEN:"mediaIsFullscreen",MEDIA_IS_PIP:"mediaIsPip",MEDIA_LOADING:"mediaLoading",MEDIA_MUTED:"mediaMuted",MEDIA_LOOP:"mediaLoop",MEDIA_PAUSED:"mediaPaused",MEDIA_PIP_UNAVAILABLE:"mediaPipUnavailable",MEDIA_PLAYBACK_RATE:"mediaPlaybackRate",MEDIA_PREVIEW_CHAPTER:"mediaPreviewChapter",MEDIA_PREVIEW_COORDS:"mediaPreviewCoords",MEDIA_PREVIEW_IMAGE:"mediaPreviewImage",MEDIA_PREVIEW_TIME:"mediaPreviewTime",MEDIA_RENDITION_LIST:"mediaRenditionList",MEDIA_RENDITION_SELECTED:"mediaRenditionSelected",MEDIA_RENDITION_UNAVAILABLE:"mediaRenditionUnavailable",MEDIA_SEEKABLE:"mediaSeekable",MEDIA_STREAM_TYPE:"mediaStreamType",MEDIA_SUBTITLES_LIST:"mediaSubtitlesList",MEDIA_SUBTITLES_SHOWING:"mediaSubtitlesShowing",MEDIA_TARGET_LIVE_WINDOW:"mediaTargetLiveWindow",MEDIA_TIME_IS_LIVE:"mediaTimeIsLive",MEDIA_VOLUME:"mediaVolume",MEDIA_VOLUME_LEVEL:"mediaVolumeLevel",MEDIA_VOLUME_UNAVAILABLE:"mediaVolumeUnavailable",MEDIA_LANG:"mediaLang",MEDIA_WIDTH:"mediaWidth"},jo=Object.entries(Ea),o=jo.reduce((t,[e,i])=>(t[e]=i.toLowerCase(),t),{}),Xn={USER_INACTIVE_CHANGE:"userinactivechange",BREAKPOINTS_CHANGE:"breakpointchange",BREAKPOINTS_COMPUTED:"breakpointscomputed"},ze=jo.reduce((t,[e,i])=>(t[e]=i.toLowerCase(),t),{...Xn}),Nu=Object.entries(ze).reduce((t,[e,i])=>{let r=o[e];return r&&(t[i]=r),t},{userinactivechange:"userinactive"}),es=Object.entries(o).reduce((t,[e,i])=>{let r=ze[e];return r&&(t[i]=r),t},{userinactive:"userinactivechange"}),J={SUBTITLES:"subtitles",CAPTIONS:"captions",DESCRIPTIONS:"descriptions",CHAPTERS:"chapters",METADATA:"metadata"},xe={DISABLED:"disabled",HIDDEN:"hidden",SHOWING:"showing"};var Hi={MOUSE:"mouse",PEN:"pen",TOUCH:"touch"},j={UNAVAILABLE:"unavailable",UNSUPPORTED:"unsupported"},ie={LIVE:"live",ON_DEMAND:"on-demand",UNKNOWN:"unknown"};var ts={INLINE:"inline",FULLSCREEN:"fullscreen",PICTURE_IN_PICTURE:"picture-in-picture"};function is(t){return t?.map(jn).join(" ")}function jn(t){if(t){let{id:e,width:i,height:r}=t;return[e,i,r].filter(a=>a!=null).join(":")}}function rs(t){return t?.map(el).join(" ")}function el(t){if(t){let{id:e,kind:i,language:r,label:a}=t;return[e,i,r,a].filter(s=>s!=null).join(":")}}function pt(t){return typeof t=="number"&&!Number.isNaN(t)&&Number.isFinite(t)}var $i=t=>new Promise(e=>setTimeout(e,t));var tl={"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"};function Wi(t){return String(t).replace(/[&<>"']/g,e=>tl[e])}var as=[{singular:"hour",plural:"hours"},{singular:"minute",plural:"minutes"},{singular:"second",plural:"seconds"}],os=(t,e)=>{let i=t===1?h(as[e].singular):h(as[e].plural);return`${t} ${i}`},Ze=t=>{if(!pt(t))return"";let e=Math.abs(t),i=e!==t,r=new Date(0,0,0,0,0,e,0),s=[r.getHours(),r.getMinutes(),r.getSeconds()].map((l,d)=>l&&os(l,d)).filter(l=>l).join(", ");return i?h("{time} remaining",{time:s}):e===0?os(0,2):s};function de(t,e){let i=!1;t<0&&(i=!0,t=0-t),t=t<0?0:t;let r=Math.floor(t%60),a=Math.floor(t/60%60),s=Math.floor(t/3600),l=Math.floor(e/60%60),d=Math.floor(e/3600);return(isNaN(t)||t===1/0)&&(s=a=r="0"),s=s>0||d>0?s+":":"",a=((s||l>=10)&&a<10?"0"+a:a)+":",r=r<10?"0"+r:r,(i?"-":"")+s+a+r}var $u=Object.freeze({length:0,start(t){let e=t>>>0;if(e>=this.length)throw new DOMException(`Failed to execute 'start' on 'TimeRanges': The index provided (${e}) is greater than or equal to the maximum bound (${this.length}).`);return 0},end(t){let e=t>>>0;if(e>=this.length)throw new DOMException(`Failed to execute 'end' on 'TimeRanges': The index provided (${e}) is greater than or equal to the maximum bound (${this.length}).`);return 0}});var Vi=class{addEventListener(){}removeEventListener(){}dispatchEvent(){return!0}},Ki=class extends Vi{},Gi=class extends Ki{constructor(){super(...arguments),this.role=null}},va=class{observe(){}unobserve(){}disconnect(){}},ss={createElement:function(){return new Qt.HTMLElement},createElementNS:function(){return new Qt.HTMLElement},addEventListener(){},removeEventListener(){},dispatchEvent(t){return!1}},Qt={ResizeObserver:va,document:ss,Node:Ki,Element:Gi,HTMLElement:class extends Gi{constructor(){super(...arguments),this.innerHTML=""}get content(){return new Qt.DocumentFragment}},DocumentFragment:class extends Vi{},customElements:{get:function(){},define:function(){},whenDefined:function(){}},localStorage:{getItem(t){return null},setItem(t,e){},removeItem(t){}},CustomEvent:function(){},getComputedStyle:function(){},navigator:{languages:[],get userAgent(){return""}},matchMedia(t){return{matches:!1,media:t}},DOMParser:class{parseFromString(e,i){return{body:{textContent:e}}}}},ns="global"in globalThis&&globalThis?.global===globalThis||typeof window>"u"||typeof window.customElements>"u",ls=Object.keys(Qt).every(t=>t in globalThis),n=ns&&!ls?Qt:globalThis,W=ns&&!ls?ss:globalThis.document;var ds=new WeakMap,fa=t=>{let e=ds.get(t);return e||ds.set(t,e=new Set),e},us=new n.ResizeObserver(t=>{for(let e of t)for(let i of fa(e.target))i(e)});function qi(t,e){fa(t).add(e),us.observe(t)}function Yi(t,e){let i=fa(t);i.delete(e),i.size||us.unobserve(t)}function B(t){let e={};for(let i of t)e[i.name]=i.value;return e}function cs(t){var e;return(e=rl(t))!=null?e:Pe(t,"media-controller")}function rl(t){var e;let{MEDIA_CONTROLLER:i}=M,r=t.getAttribute(i);if(r)return(e=ol(t))==null?void 0:e.getElementById(r)}var Qi=(t,e,i=".value")=>{let r=t.querySelector(i);r&&(r.textContent=e)},al=(t,e)=>{let i=`slot[name="${e}"]`,r=t.shadowRoot.querySelector(i);return r?r.children:[]},zi=(t,e)=>al(t,e)[0],fe=(t,e)=>!t||!e?!1:t?.contains(e)?!0:fe(t,e.getRootNode().host),Pe=(t,e)=>{if(!t)return null;let i=t.closest(e);return i||Pe(t.getRootNode().host,e)};function _a(t=document){var e;let i=t?.activeElement;return i?(e=_a(i.shadowRoot))!=null?e:i:null}function ol(t){var e;let i=(e=t?.getRootNode)==null?void 0:e.call(t);return i instanceof ShadowRoot||i instanceof Document?i:null}function Zi(t,{depth:e=3,checkOpacity:i=!0,checkVisibilityCSS:r=!0}={}){if(t.checkVisibility)return t.checkVisibility({checkOpacity:i,checkVisibilityCSS:r});let a=t;for(;a&&e>0;){let s=getComputedStyle(a);if(i&&s.opacity==="0"||r&&s.visibility==="hidden"||s.display==="none")return!1;a=a.parentElement,e--}return!0}function hs(t,e,i,r){let a=r.x-i.x,s=r.y-i.y,l=a*a+s*s;if(l===0)return 0;let d=((t-i.x)*a+(e-i.y)*s)/l;return Math.max(0,Math.min(1,d))}function x(t,e){let i=sl(t,r=>r===e);return i||ga(t,e)}function sl(t,e){var i,r;let a;for(a of(i=t.querySelectorAll("style:not([media])"))!=null?i:[]){let s;try{s=(r=a.sheet)==null?void 0:r.cssRules}catch{continue}for(let l of s??[])if(e(l.selectorText))return l}}function ga(t,e){var i,r;let a=(i=t.querySelectorAll("style:not([media])"))!=null?i:[],s=a?.[a.length-1];if(!s?.sheet)return console.warn("Media Chrome: No style sheet found on style tag of",t),{style:{setProperty:()=>{},removeProperty:()=>"",getPropertyValue:()=>""}};let l=s?.sheet.insertRule(`${e}{}`,s.sheet.cssRules.length);return(r=s.sheet.cssRules)==null?void 0:r[l]}function C(t,e,i=Number.NaN){let r=t.getAttribute(e);return r!=null?+r:i}function U(t,e,i){let r=+i;if(i==null||Number.isNaN(r)){t.hasAttribute(e)&&t.removeAttribute(e);return}C(t,e,void 0)!==r&&t.setAttribute(e,`${r}`)}function _(t,e){return t.hasAttribute(e)}function g(t,e,i){if(i==null){t.hasAttribute(e)&&t.removeAttribute(e);return}_(t,e)!=i&&t.toggleAttribute(e,i)}function L(t,e,i=null){var r;return(r=t.getAttribute(e))!=null?r:i}function y(t,e,i){if(i==null){t.hasAttribute(e)&&t.removeAttribute(e);return}let r=`${i}`;L(t,e,void 0)!==r&&t.setAttribute(e,r)}var ms=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},ue=(t,e,i)=>(ms(t,e,"read from private field"),i?i.call(t):e.get(t)),nl=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Xi=(t,e,i,r)=>(ms(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Q;function ll(t){return`
    <style>
      :host {
        display: var(--media-control-display, var(--media-gesture-receiver-display, inline-block));
        box-sizing: border-box;
      }
    </style>
  `}var Et=class extends n.HTMLElement{constructor(){if(super(),nl(this,Q,void 0),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(e)}}static get observedAttributes(){return[M.MEDIA_CONTROLLER,o.MEDIA_PAUSED]}attributeChangedCallback(e,i,r){var a,s,l,d,u;e===M.MEDIA_CONTROLLER&&(i&&((s=(a=ue(this,Q))==null?void 0:a.unassociateElement)==null||s.call(a,this),Xi(this,Q,null)),r&&this.isConnected&&(Xi(this,Q,(l=this.getRootNode())==null?void 0:l.getElementById(r)),(u=(d=ue(this,Q))==null?void 0:d.associateElement)==null||u.call(d,this)))}connectedCallback(){var e,i;this.tabIndex=-1,this.setAttribute("aria-hidden","true"),Xi(this,Q,dl(this)),this.getAttribute(M.MEDIA_CONTROLLER)&&((i=(e=ue(this,Q))==null?void 0:e.associateElement)==null||i.call(e,this)),ue(this,Q)&&(ue(this,Q).addEventListener("pointerdown",this),ue(this,Q).addEventListener("click",this),ue(this,Q).hasAttribute("tabindex")||(ue(this,Q).tabIndex=0))}disconnectedCallback(){var e,i,r,a;this.getAttribute(M.MEDIA_CONTROLLER)&&((i=(e=ue(this,Q))==null?void 0:e.unassociateElement)==null||i.call(e,this)),(r=ue(this,Q))==null||r.removeEventListener("pointerdown",this),(a=ue(this,Q))==null||a.removeEventListener("click",this),Xi(this,Q,null)}handleEvent(e){var i;let r=(i=e.composedPath())==null?void 0:i[0];if(["video","media-controller"].includes(r?.localName)){if(e.type==="pointerdown")this._pointerType=e.pointerType;else if(e.type==="click"){let{clientX:s,clientY:l}=e,{left:d,top:u,width:k,height:I}=this.getBoundingClientRect(),T=s-d,f=l-u;if(T<0||f<0||T>k||f>I||k===0&&I===0)return;let p=this._pointerType||"mouse";if(this._pointerType=void 0,p===Hi.TOUCH){this.handleTap(e);return}else if(p===Hi.MOUSE||p===Hi.PEN){this.handleMouseClick(e);return}}}}get mediaPaused(){return _(this,o.MEDIA_PAUSED)}set mediaPaused(e){g(this,o.MEDIA_PAUSED,e)}handleTap(e){}handleMouseClick(e){let i=this.mediaPaused?m.MEDIA_PLAY_REQUEST:m.MEDIA_PAUSE_REQUEST;this.dispatchEvent(new n.CustomEvent(i,{composed:!0,bubbles:!0}))}};Q=new WeakMap;Et.shadowRootOptions={mode:"open"};Et.getTemplateHTML=ll;function dl(t){var e;let i=t.getAttribute(M.MEDIA_CONTROLLER);return i?(e=t.getRootNode())==null?void 0:e.getElementById(i):Pe(t,"media-controller")}n.customElements.get("media-gesture-receiver")||n.customElements.define("media-gesture-receiver",Et);var Ji=Et;var Sa=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},H=(t,e,i)=>(Sa(t,e,"read from private field"),i?i.call(t):e.get(t)),X=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},ce=(t,e,i,r)=>(Sa(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),he=(t,e,i)=>(Sa(t,e,"access private method"),i),zt,tr,vt,gt,_t,ba,ft,ji,Aa,ps,Ta,Es,Zt,ir,rr,Ia,bt,Xt,Ne,er,b={AUDIO:"audio",AUTOHIDE:"autohide",BREAKPOINTS:"breakpoints",GESTURES_DISABLED:"gesturesdisabled",KEYBOARD_CONTROL:"keyboardcontrol",NO_AUTOHIDE:"noautohide",USER_INACTIVE:"userinactive",AUTOHIDE_OVER_CONTROLS:"autohideovercontrols"};function ul(t){return`
    <style>
      
      :host([${o.MEDIA_IS_FULLSCREEN}]) ::slotted([slot=media]) {
        outline: none;
      }

      :host {
        box-sizing: border-box;
        position: relative;
        display: inline-block;
        line-height: 0;
        background-color: var(--media-background-color, #000);
        overflow: hidden;
      }

      :host(:not([${b.AUDIO}])) [part~=layer]:not([part~=media-layer]) {
        position: absolute;
        top: 0;
        left: 0;
        bottom: 0;
        right: 0;
        display: flex;
        flex-flow: column nowrap;
        align-items: start;
        pointer-events: none;
        background: none;
      }

      slot[name=media] {
        display: var(--media-slot-display, contents);
      }

      
      :host([${b.AUDIO}]) slot[name=media] {
        display: var(--media-slot-display, none);
      }

      
      :host([${b.AUDIO}]) [part~=layer][part~=gesture-layer] {
        height: 0;
        display: block;
      }

      
      :host(:not([${b.AUDIO}])[${b.GESTURES_DISABLED}]) ::slotted([slot=gestures-chrome]),
          :host(:not([${b.AUDIO}])[${b.GESTURES_DISABLED}]) media-gesture-receiver[slot=gestures-chrome] {
        display: none;
      }

      
      ::slotted(:not([slot=media]):not([slot=poster]):not(media-loading-indicator):not([role=dialog]):not([hidden])) {
        pointer-events: auto;
      }

      :host(:not([${b.AUDIO}])) *[part~=layer][part~=centered-layer] {
        align-items: center;
        justify-content: center;
      }

      :host(:not([${b.AUDIO}])) ::slotted(media-gesture-receiver[slot=gestures-chrome]),
      :host(:not([${b.AUDIO}])) media-gesture-receiver[slot=gestures-chrome] {
        align-self: stretch;
        flex-grow: 1;
      }

      slot[name=middle-chrome] {
        display: inline;
        flex-grow: 1;
        pointer-events: none;
        background: none;
      }

      
      ::slotted([slot=media]),
      ::slotted([slot=poster]) {
        width: 100%;
        height: 100%;
      }

      
      :host(:not([${b.AUDIO}])) .spacer {
        flex-grow: 1;
      }

      
      :host(:-webkit-full-screen) {
        
        width: 100% !important;
        height: 100% !important;
      }

      
      ::slotted(:not([slot=media]):not([slot=poster]):not([${b.NO_AUTOHIDE}]):not([hidden]):not([role=dialog])) {
        opacity: 1;
        transition: var(--media-control-transition-in, opacity 0.25s);
      }

      
      :host([${b.USER_INACTIVE}]:not([${o.MEDIA_PAUSED}]):not([${o.MEDIA_IS_AIRPLAYING}]):not([${o.MEDIA_IS_CASTING}]):not([${b.AUDIO}])) ::slotted(:not([slot=media]):not([slot=poster]):not([${b.NO_AUTOHIDE}]):not([role=dialog])) {
        opacity: 0;
        transition: var(--media-control-transition-out, opacity 1s);
      }

      :host([${b.USER_INACTIVE}]:not([${b.NO_AUTOHIDE}]):not([${o.MEDIA_PAUSED}]):not([${o.MEDIA_IS_CASTING}]):not([${b.AUDIO}])) ::slotted([slot=media]) {
        cursor: none;
      }

      :host([${b.USER_INACTIVE}][${b.AUTOHIDE_OVER_CONTROLS}]:not([${b.NO_AUTOHIDE}]):not([${o.MEDIA_PAUSED}]):not([${o.MEDIA_IS_CASTING}]):not([${b.AUDIO}])) * {
        --media-cursor: none;
        cursor: none;
      }


      ::slotted(media-control-bar)  {
        align-self: stretch;
      }

      
      
      :host(:not([${b.AUDIO}])[${o.MEDIA_HAS_PLAYED}]) slot[name=poster],
      :host(:not([${b.AUDIO}])[${o.MEDIA_STREAM_TYPE}="${ie.ON_DEMAND}"][${o.MEDIA_CURRENT_TIME}]:not([${o.MEDIA_CURRENT_TIME}="0"])) slot[name=poster] {
        display: none;
      }

      ::slotted([role=dialog]) {
        width: 100%;
        height: 100%;
        align-self: center;
      }

      ::slotted([role=menu]) {
        align-self: end;
      }
    </style>

    <slot name="media" part="layer media-layer"></slot>
    <slot name="poster" part="layer poster-layer"></slot>
    <slot name="gestures-chrome" part="layer gesture-layer">
      <media-gesture-receiver slot="gestures-chrome">
        <template shadowrootmode="${Ji.shadowRootOptions.mode}">
          ${Ji.getTemplateHTML({})}
        </template>
      </media-gesture-receiver>
    </slot>
    <span part="layer vertical-layer">
      <slot name="top-chrome" part="top chrome"></slot>
      <slot name="middle-chrome" part="middle chrome"></slot>
      <slot name="centered-chrome" part="layer centered-layer center centered chrome"></slot>
      
      <slot part="bottom chrome"></slot>
    </span>
    <slot name="dialog" part="layer dialog-layer"></slot>
  `}var cl=Object.values(o),hl="sm:384 md:576 lg:768 xl:960";function ml(t){vs(t.target,t.contentRect.width)}function vs(t,e){var i;if(!t.isConnected)return;let r=(i=t.getAttribute(b.BREAKPOINTS))!=null?i:hl,a=pl(r),s=El(a,e),l=!1;if(Object.keys(a).forEach(d=>{if(s.includes(d)){t.hasAttribute(`breakpoint${d}`)||(t.setAttribute(`breakpoint${d}`,""),l=!0);return}t.hasAttribute(`breakpoint${d}`)&&(t.removeAttribute(`breakpoint${d}`),l=!0)}),l){let d=new CustomEvent(ze.BREAKPOINTS_CHANGE,{detail:s});t.dispatchEvent(d)}t.breakpointsComputed||(t.breakpointsComputed=!0,t.dispatchEvent(new CustomEvent(ze.BREAKPOINTS_COMPUTED,{bubbles:!0,composed:!0})))}function pl(t){let e=t.split(/\s+/);return Object.fromEntries(e.map(i=>i.split(":")))}function El(t,e){return Object.keys(t).filter(i=>e>=parseInt(t[i]))}var Xe=class extends n.HTMLElement{constructor(){if(super(),X(this,Aa),X(this,Ta),X(this,Zt),X(this,rr),X(this,bt),X(this,zt,void 0),X(this,tr,0),X(this,vt,null),X(this,gt,null),X(this,_t,void 0),this.breakpointsComputed=!1,X(this,ba,e=>{let i=this.media;for(let r of e){if(r.type!=="childList")continue;let a=r.removedNodes;for(let s of a){if(s.slot!="media"||r.target!=this)continue;let l=r.previousSibling&&r.previousSibling.previousElementSibling;if(!l||!i)this.mediaUnsetCallback(s);else{let d=l.slot!=="media";for(;(l=l.previousSibling)!==null;)l.slot=="media"&&(d=!1);d&&this.mediaUnsetCallback(s)}}if(i)for(let s of r.addedNodes)s===i&&this.handleMediaUpdated(i)}}),X(this,ft,!1),X(this,ji,e=>{H(this,ft)||(setTimeout(()=>{ml(e),ce(this,ft,!1)},0),ce(this,ft,!0))}),X(this,Ne,void 0),X(this,er,()=>{if(!H(this,Ne).assignedElements({flatten:!0}).length){H(this,vt)&&this.mediaUnsetCallback(H(this,vt));return}this.handleMediaUpdated(this.media)}),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes),i=this.constructor.getTemplateHTML(e);this.shadowRoot.setHTMLUnsafe?this.shadowRoot.setHTMLUnsafe(i):this.shadowRoot.innerHTML=i}ce(this,zt,new MutationObserver(H(this,ba)))}static get observedAttributes(){return[b.AUTOHIDE,b.GESTURES_DISABLED].concat(cl).filter(e=>![o.MEDIA_RENDITION_LIST,o.MEDIA_AUDIO_TRACK_LIST,o.MEDIA_CHAPTERS_CUES,o.MEDIA_WIDTH,o.MEDIA_HEIGHT,o.MEDIA_ERROR,o.MEDIA_ERROR_MESSAGE].includes(e))}attributeChangedCallback(e,i,r){e.toLowerCase()==b.AUTOHIDE&&(this.autohide=r)}get media(){let e=this.querySelector(":scope > [slot=media]");return e?.nodeName=="SLOT"&&(e=e.assignedElements({flatten:!0})[0]),e}async handleMediaUpdated(e){e&&(ce(this,vt,e),e.localName.includes("-")&&await n.customElements.whenDefined(e.localName),this.mediaSetCallback(e))}connectedCallback(){var e;H(this,zt).observe(this,{childList:!0,subtree:!0}),qi(this,H(this,ji));let r=this.getAttribute(b.AUDIO)!=null?h("audio player"):h("video player");this.setAttribute("role","region"),this.setAttribute("aria-label",r),this.handleMediaUpdated(this.media),this.setAttribute(b.USER_INACTIVE,""),vs(this,this.getBoundingClientRect().width);let a=this.querySelector(":scope > slot[slot=media]");a&&(ce(this,Ne,a),H(this,Ne).addEventListener("slotchange",H(this,er))),this.addEventListener("pointerdown",this),this.addEventListener("pointermove",this),this.addEventListener("pointerup",this),this.addEventListener("mouseleave",this),this.addEventListener("keyup",this),(e=n.window)==null||e.addEventListener("mouseup",this)}disconnectedCallback(){var e;Yi(this,H(this,ji)),clearTimeout(H(this,gt)),H(this,zt).disconnect(),this.media&&this.mediaUnsetCallback(this.media),(e=n.window)==null||e.removeEventListener("mouseup",this),this.removeEventListener("pointerdown",this),this.removeEventListener("pointermove",this),this.removeEventListener("pointerup",this),this.removeEventListener("mouseleave",this),this.removeEventListener("keyup",this),H(this,Ne)&&(H(this,Ne).removeEventListener("slotchange",H(this,er)),ce(this,Ne,null)),ce(this,ft,!1)}mediaSetCallback(e){}mediaUnsetCallback(e){ce(this,vt,null)}handleEvent(e){switch(e.type){case"pointerdown":ce(this,tr,e.timeStamp);break;case"pointermove":he(this,Aa,ps).call(this,e);break;case"pointerup":he(this,Ta,Es).call(this,e);break;case"mouseleave":he(this,Zt,ir).call(this);break;case"mouseup":this.removeAttribute(b.KEYBOARD_CONTROL);break;case"keyup":he(this,bt,Xt).call(this),this.setAttribute(b.KEYBOARD_CONTROL,"");break}}set autohide(e){let i=Number(e);ce(this,_t,isNaN(i)?0:i)}get autohide(){return(H(this,_t)===void 0?2:H(this,_t)).toString()}get breakpoints(){return L(this,b.BREAKPOINTS)}set breakpoints(e){y(this,b.BREAKPOINTS,e)}get audio(){return _(this,b.AUDIO)}set audio(e){g(this,b.AUDIO,e)}get gesturesDisabled(){return _(this,b.GESTURES_DISABLED)}set gesturesDisabled(e){g(this,b.GESTURES_DISABLED,e)}get keyboardControl(){return _(this,b.KEYBOARD_CONTROL)}set keyboardControl(e){g(this,b.KEYBOARD_CONTROL,e)}get noAutohide(){return _(this,b.NO_AUTOHIDE)}set noAutohide(e){g(this,b.NO_AUTOHIDE,e)}get autohideOverControls(){return _(this,b.AUTOHIDE_OVER_CONTROLS)}set autohideOverControls(e){g(this,b.AUTOHIDE_OVER_CONTROLS,e)}get userInteractive(){return _(this,b.USER_INACTIVE)}set userInteractive(e){g(this,b.USER_INACTIVE,e)}};zt=new WeakMap;tr=new WeakMap;vt=new WeakMap;gt=new WeakMap;_t=new WeakMap;ba=new WeakMap;ft=new WeakMap;ji=new WeakMap;Aa=new WeakSet;ps=function(t){if(t.pointerType!=="mouse"&&t.timeStamp-H(this,tr)<250)return;he(this,rr,Ia).call(this),clearTimeout(H(this,gt));let e=this.hasAttribute(b.AUTOHIDE_OVER_CONTROLS);([this,this.media].includes(t.target)||e)&&he(this,bt,Xt).call(this)};Ta=new WeakSet;Es=function(t){if(t.pointerType==="touch"){let e=!this.hasAttribute(b.USER_INACTIVE);[this,this.media].includes(t.target)&&e?he(this,Zt,ir).call(this):he(this,bt,Xt).call(this)}else t.composedPath().some(e=>["media-play-button","media-fullscreen-button"].includes(e?.localName))&&he(this,bt,Xt).call(this)};Zt=new WeakSet;ir=function(){if(H(this,_t)<0||this.hasAttribute(b.USER_INACTIVE))return;this.setAttribute(b.USER_INACTIVE,"");let t=new n.CustomEvent(ze.USER_INACTIVE_CHANGE,{composed:!0,bubbles:!0,detail:!0});this.dispatchEvent(t)};rr=new WeakSet;Ia=function(){if(!this.hasAttribute(b.USER_INACTIVE))return;this.removeAttribute(b.USER_INACTIVE);let t=new n.CustomEvent(ze.USER_INACTIVE_CHANGE,{composed:!0,bubbles:!0,detail:!1});this.dispatchEvent(t)};bt=new WeakSet;Xt=function(){he(this,rr,Ia).call(this),clearTimeout(H(this,gt));let t=parseInt(this.autohide);t<0||ce(this,gt,setTimeout(()=>{he(this,Zt,ir).call(this)},t*1e3))};Ne=new WeakMap;er=new WeakMap;Xe.shadowRootOptions={mode:"open"};Xe.getTemplateHTML=ul;n.customElements.get("media-container")||n.customElements.define("media-container",Xe);var Ca=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},je=(t,e,i)=>(Ca(t,e,"read from private field"),i?i.call(t):e.get(t)),Re=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Ra=(t,e,i,r)=>(Ca(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Je=(t,e,i)=>(Ca(t,e,"access private method"),i),or,jt,et,ar,ya,ka,fs,Ma,_s,La,gs,wa,bs,Da,As;function vl(t){return`
    <style>
      :host {
        font: var(--media-font,
          var(--media-font-weight, normal)
          var(--media-font-size, 14px) /
          var(--media-text-content-height, var(--media-control-height, 24px))
          var(--media-font-family, helvetica neue, segoe ui, roboto, arial, sans-serif));
        color: var(--media-text-color, var(--media-primary-color, rgb(238 238 238)));
        display: var(--media-dialog-display, inline-flex);
        justify-content: center;
        align-items: center;
        
        transition-behavior: allow-discrete;
        visibility: hidden;
        opacity: 0;
        transform: translateY(2px) scale(.99);
        pointer-events: none;
      }

      :host([open]) {
        transition: display .2s, visibility 0s, opacity .2s ease-out, transform .15s ease-out;
        visibility: visible;
        opacity: 1;
        transform: translateY(0) scale(1);
        pointer-events: auto;
      }

      #content {
        display: flex;
        position: relative;
        box-sizing: border-box;
        width: min(320px, 100%);
        word-wrap: break-word;
        max-height: 100%;
        overflow: auto;
        text-align: center;
        line-height: 1.4;
      }
    </style>
    ${this.getSlotTemplateHTML(t)}
  `}function fl(t){return`
    <slot id="content"></slot>
  `}var Jt={OPEN:"open",ANCHOR:"anchor"},_e=class extends n.HTMLElement{constructor(){super(),Re(this,ar),Re(this,ka),Re(this,Ma),Re(this,La),Re(this,wa),Re(this,Da),Re(this,or,!1),Re(this,jt,null),Re(this,et,null)}static get observedAttributes(){return[Jt.OPEN,Jt.ANCHOR]}get open(){return _(this,Jt.OPEN)}set open(e){g(this,Jt.OPEN,e)}handleEvent(e){switch(e.type){case"invoke":Je(this,La,gs).call(this,e);break;case"focusout":Je(this,wa,bs).call(this,e);break;case"keydown":Je(this,Da,As).call(this,e);break}}connectedCallback(){Je(this,ar,ya).call(this),this.role||(this.role="dialog"),this.addEventListener("invoke",this),this.addEventListener("focusout",this),this.addEventListener("keydown",this)}disconnectedCallback(){this.removeEventListener("invoke",this),this.removeEventListener("focusout",this),this.removeEventListener("keydown",this)}attributeChangedCallback(e,i,r){Je(this,ar,ya).call(this),e===Jt.OPEN&&r!==i&&(this.open?Je(this,ka,fs).call(this):Je(this,Ma,_s).call(this))}focus(){Ra(this,jt,_a());let e=!this.dispatchEvent(new Event("focus",{composed:!0,cancelable:!0})),i=!this.dispatchEvent(new Event("focusin",{composed:!0,bubbles:!0,cancelable:!0}));if(e||i)return;let r=this.querySelector('[autofocus], [tabindex]:not([tabindex="-1"]), [role="menu"]');r?.focus()}get keysUsed(){return["Escape","Tab"]}};or=new WeakMap;jt=new WeakMap;et=new WeakMap;ar=new WeakSet;ya=function(){if(!je(this,or)&&(Ra(this,or,!0),!this.shadowRoot)){this.attachShadow(this.constructor.shadowRootOptions);let t=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(t),queueMicrotask(()=>{let{style:e}=x(this.shadowRoot,":host");e.setProperty("transition","display .15s, visibility .15s, opacity .15s ease-in, transform .15s ease-in")})}};ka=new WeakSet;fs=function(){var t;(t=je(this,et))==null||t.setAttribute("aria-expanded","true"),this.dispatchEvent(new Event("open",{composed:!0,bubbles:!0})),this.addEventListener("transitionend",()=>this.focus(),{once:!0})};Ma=new WeakSet;_s=function(){var t;(t=je(this,et))==null||t.setAttribute("aria-expanded","false"),this.dispatchEvent(new Event("close",{composed:!0,bubbles:!0}))};La=new WeakSet;gs=function(t){Ra(this,et,t.relatedTarget),fe(this,t.relatedTarget)||(this.open=!this.open)};wa=new WeakSet;bs=function(t){var e;fe(this,t.relatedTarget)||((e=je(this,jt))==null||e.focus(),je(this,et)&&je(this,et)!==t.relatedTarget&&this.open&&(this.open=!1))};Da=new WeakSet;As=function(t){var e,i,r,a,s;let{key:l,ctrlKey:d,altKey:u,metaKey:k}=t;d||u||k||this.keysUsed.includes(l)&&(t.preventDefault(),t.stopPropagation(),l==="Tab"?(t.shiftKey?(i=(e=this.previousElementSibling)==null?void 0:e.focus)==null||i.call(e):(a=(r=this.nextElementSibling)==null?void 0:r.focus)==null||a.call(r),this.blur()):l==="Escape"&&((s=je(this,jt))==null||s.focus(),this.open=!1))};_e.shadowRootOptions={mode:"open"};_e.getTemplateHTML=vl;_e.getSlotTemplateHTML=fl;n.customElements.get("media-chrome-dialog")||n.customElements.define("media-chrome-dialog",_e);var _l=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Fe=(t,e,i)=>(_l(t,e,"read from private field"),i?i.call(t):e.get(t)),Ts=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},At,Tt,ei={HOTKEYS:"hotkeys"},gl=[{keys:[{key:" ",label:"Space"},{key:"k"}],description:"Toggle Playback"},{keys:[{key:"m"}],description:"Toggle mute"},{keys:[{key:"f"}],description:"Toggle fullscreen"},{keys:[{key:"c"}],description:"Toggle captions or subtitles, if available"},{keys:[{key:"p"}],description:"Toggle Picture in Picture"},{keys:[{key:"ArrowLeft",label:"\u2190"},{key:"j"}],description:"Seek back 10s"},{keys:[{key:"ArrowRight",label:"\u2192"},{key:"l"}],description:"Seek forward 10s"},{keys:[{key:"ArrowUp",label:"\u2191"}],description:"Turn volume up"},{keys:[{key:"ArrowDown",label:"\u2193"}],description:"Turn volume down"},{keys:[{key:"<",label:"< (SHIFT+,)"}],description:"Decrease playback rate"},{keys:[{key:">",label:"> (SHIFT+.)"}],description:"Increase playback rate"},{keys:[{key:"shift+/",label:"SHIFT+/"}],description:"Show keyboard shortcuts"}];function nr(t){return t===" "?"nospace":`no${t.toLowerCase()}`}function bl(t){let e=new Set(t?.split(/\s+/));return gl.map(({keys:i,description:r})=>({keys:i.filter(({key:a})=>!e.has(nr(a))),description:r})).filter(({keys:i})=>i.length)}function Al(t){return`
    <style>
      :host {
        position: fixed;
        top: 0;
        left: 0;
        z-index: 9999;
        background: rgb(20 20 30 / .8);
        backdrop-filter: blur(10px);
      }

      #content {
        display: block;
        width: clamp(400px, 40vw, 700px);
        max-width: 90vw;
        text-align: left;
      }

      h2 {
        margin: 0 0 1.5rem 0;
        font-size: 1.5rem;
        font-weight: 500;
        text-align: center;
      }

      .shortcuts-table {
        width: 100%;
        border-collapse: collapse;
      }

      .shortcuts-table tr {
        border-bottom: 1px solid rgba(255, 255, 255, 0.1);
      }

      .shortcuts-table tr:last-child {
        border-bottom: none;
      }

      .shortcuts-table td {
        padding: 0.75rem 0.5rem;
      }

      .shortcuts-table td:first-child {
        text-align: right;
        padding-right: 1rem;
        width: 40%;
        min-width: 120px;
      }

      .shortcuts-table td:last-child {
        padding-left: 1rem;
      }

      .key {
        display: inline-block;
        background: rgba(255, 255, 255, 0.15);
        border: 1px solid rgba(255, 255, 255, 0.2);
        border-radius: 4px;
        padding: 0.25rem 0.5rem;
        font-family: 'Courier New', monospace;
        font-size: 0.9rem;
        font-weight: 500;
        min-width: 1.5rem;
        text-align: center;
        margin: 0 0.2rem;
      }

      .description {
        color: rgba(255, 255, 255, 0.9);
        font-size: 0.95rem;
      }

      .key-combo {
        display: flex;
        align-items: center;
        justify-content: flex-end;
        gap: 0.3rem;
      }

      .key-separator {
        color: rgba(255, 255, 255, 0.5);
        font-size: 0.9rem;
      }
    </style>
    <slot id="content">
      ${Ss(t[ei.HOTKEYS])}
    </slot>
  `}function Ss(t){return`
    <h2>Keyboard Shortcuts</h2>
    <table class="shortcuts-table">${bl(t).map(({keys:i,description:r})=>`
        <tr>
          <td>
            <div class="key-combo">${i.map(({key:s,label:l=s},d)=>d>0?`<span class="key-separator">or</span><span class="key">${l}</span>`:`<span class="key">${l}</span>`).join("")}</div>
          </td>
          <td class="description">${r}</td>
        </tr>
      `).join("")}</table>
  `}var sr=class extends _e{constructor(){super(...arguments),Ts(this,At,e=>{var i;if(!this.open)return;let r=(i=this.shadowRoot)==null?void 0:i.querySelector("#content");if(!r)return;let a=e.composedPath(),s=a[0]===this||a.includes(this),l=a.includes(r);s&&!l&&(this.open=!1)}),Ts(this,Tt,e=>{if(!this.open)return;let i=e.shiftKey&&(e.key==="/"||e.key==="?");(e.key==="Escape"||i)&&!e.ctrlKey&&!e.altKey&&!e.metaKey&&(this.open=!1,e.preventDefault(),e.stopPropagation())})}static get observedAttributes(){return[...super.observedAttributes,ei.HOTKEYS]}get hotkeys(){var e;return(e=L(this,ei.HOTKEYS))!=null?e:void 0}set hotkeys(e){y(this,ei.HOTKEYS,e)}connectedCallback(){super.connectedCallback(),this.open&&(this.addEventListener("click",Fe(this,At)),document.addEventListener("keydown",Fe(this,Tt)))}disconnectedCallback(){this.removeEventListener("click",Fe(this,At)),document.removeEventListener("keydown",Fe(this,Tt))}attributeChangedCallback(e,i,r){var a;if(super.attributeChangedCallback(e,i,r),e==="open")this.open?(this.addEventListener("click",Fe(this,At)),document.addEventListener("keydown",Fe(this,Tt))):(this.removeEventListener("click",Fe(this,At)),document.removeEventListener("keydown",Fe(this,Tt)));else if(e===ei.HOTKEYS&&r!==i){let s=(a=this.shadowRoot)==null?void 0:a.querySelector("#content");s&&(s.innerHTML=Ss(r))}}};At=new WeakMap;Tt=new WeakMap;sr.getSlotTemplateHTML=Al;n.customElements.get("media-keyboard-shortcuts-dialog")||n.customElements.define("media-keyboard-shortcuts-dialog",sr);var Is=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},q=(t,e,i)=>(Is(t,e,"read from private field"),i?i.call(t):e.get(t)),ti=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},lr=(t,e,i,r)=>(Is(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),St,It,dr,tt,Oe,Be,yt=class{constructor(e,i,{defaultValue:r}={defaultValue:void 0}){ti(this,Oe),ti(this,St,void 0),ti(this,It,void 0),ti(this,dr,void 0),ti(this,tt,new Set),lr(this,St,e),lr(this,It,i),lr(this,dr,new Set(r))}[Symbol.iterator](){return q(this,Oe,Be).values()}get length(){return q(this,Oe,Be).size}get value(){var e;return(e=[...q(this,Oe,Be)].join(" "))!=null?e:""}set value(e){var i;e!==this.value&&(lr(this,tt,new Set),this.add(...(i=e?.split(" "))!=null?i:[]))}toString(){return this.value}item(e){return[...q(this,Oe,Be)][e]}values(){return q(this,Oe,Be).values()}forEach(e,i){q(this,Oe,Be).forEach(e,i)}add(...e){var i,r;e.forEach(a=>q(this,tt).add(a)),!(this.value===""&&!((i=q(this,St))!=null&&i.hasAttribute(`${q(this,It)}`)))&&((r=q(this,St))==null||r.setAttribute(`${q(this,It)}`,`${this.value}`))}remove(...e){var i;e.forEach(r=>q(this,tt).delete(r)),(i=q(this,St))==null||i.setAttribute(`${q(this,It)}`,`${this.value}`)}contains(e){return q(this,Oe,Be).has(e)}toggle(e,i){return typeof i<"u"?i?(this.add(e),!0):(this.remove(e),!1):this.contains(e)?(this.remove(e),!1):(this.add(e),!0)}replace(e,i){return this.remove(e),this.add(i),e===i}};St=new WeakMap;It=new WeakMap;dr=new WeakMap;tt=new WeakMap;Oe=new WeakSet;Be=function(){return q(this,tt).size?q(this,tt):q(this,dr)};var Tl=(t="")=>t.split(/\s+/),ys=(t="")=>{let[e,i,r]=t.split(":"),a=r?decodeURIComponent(r):void 0;return{kind:e==="cc"?J.CAPTIONS:J.SUBTITLES,language:i,label:a}},Oa=(t="",e={})=>Tl(t).map(i=>{let r=ys(i);return{...e,...r}}),Ua=t=>t?Array.isArray(t)?t.map(e=>typeof e=="string"?ys(e):e):typeof t=="string"?Oa(t):[t]:[],Sl=({kind:t,label:e,language:i}={kind:"subtitles"})=>e?`${t==="captions"?"cc":"sb"}:${i}:${encodeURIComponent(e)}`:i,ii=(t=[])=>Array.prototype.map.call(t,Sl).join(" "),Il=(t,e)=>i=>i[t]===e,ks=t=>{let e=Object.entries(t).map(([i,r])=>Il(i,r));return i=>e.every(r=>r(i))},it=(t,e=[],i=[])=>{let r=Ua(i).map(ks),a=s=>r.some(l=>l(s));Array.from(e).filter(a).forEach(s=>{s.mode=t})},rt=(t,e=()=>!0)=>{if(!t?.textTracks)return[];let i=typeof e=="function"?e:ks(e);return Array.from(t.textTracks).filter(i)},Ms=t=>{var e;return!!((e=t.mediaSubtitlesShowing)!=null&&e.length)||t.hasAttribute(o.MEDIA_SUBTITLES_SHOWING)};var ws=t=>{var e;let{media:i,fullscreenElement:r}=t;try{let a=r&&"requestFullscreen"in r?"requestFullscreen":r&&"webkitRequestFullScreen"in r?"webkitRequestFullScreen":void 0;if(a){let s=(e=r[a])==null?void 0:e.call(r);if(s instanceof Promise)return s.catch(()=>{})}else i?.webkitEnterFullscreen?i.webkitEnterFullscreen():i?.requestFullscreen&&i.requestFullscreen()}catch(a){console.error(a)}},Ls="exitFullscreen"in W?"exitFullscreen":"webkitExitFullscreen"in W?"webkitExitFullscreen":"webkitCancelFullScreen"in W?"webkitCancelFullScreen":void 0,Ds=t=>{var e;let{documentElement:i}=t;if(Ls){let r=(e=i?.[Ls])==null?void 0:e.call(i);if(r instanceof Promise)return r.catch(()=>{})}},ri="fullscreenElement"in W?"fullscreenElement":"webkitFullscreenElement"in W?"webkitFullscreenElement":void 0,yl=t=>{let{documentElement:e,media:i}=t,r=e?.[ri];return!r&&"webkitDisplayingFullscreen"in i&&"webkitPresentationMode"in i&&i.webkitDisplayingFullscreen&&i.webkitPresentationMode===ts.FULLSCREEN?i:r},Cs=t=>{var e;let{media:i,documentElement:r,fullscreenElement:a=i}=t;if(!i||!r)return!1;let s=yl(t);if(!s)return!1;if(s===a||s===i)return!0;if(s.localName.includes("-")){let l=s.shadowRoot;if(!(ri in l))return fe(s,a);for(;l?.[ri];){if(l[ri]===a)return!0;l=(e=l[ri])==null?void 0:e.shadowRoot}}return!1},kl="fullscreenEnabled"in W?"fullscreenEnabled":"webkitFullscreenEnabled"in W?"webkitFullscreenEnabled":void 0,Rs=t=>{let{documentElement:e,media:i}=t;return!!e?.[kl]||i&&"webkitSupportsFullscreen"in i};var ur,xa=()=>{var t,e;return ur||(ur=(e=(t=W)==null?void 0:t.createElement)==null?void 0:e.call(t,"video"),ur)},Os=async(t=xa())=>{if(!t)return!1;let e=t.volume;t.volume=e/2+.1;let i=new AbortController,r=await Promise.race([Ml(t,i.signal),Ll(t,e)]);return i.abort(),r},Ml=(t,e)=>new Promise(i=>{t.addEventListener("volumechange",()=>i(!0),{signal:e})}),Ll=async(t,e)=>{for(let i=0;i<10;i++){if(t.volume===e)return!1;await $i(10)}return t.volume!==e},wl=/.*Version\/.*Safari\/.*/.test(n.navigator.userAgent),Pa=(t=xa())=>n.matchMedia("(display-mode: standalone)").matches&&wl?!1:typeof t?.requestPictureInPicture=="function",Na=(t=xa())=>Rs({documentElement:W,media:t}),Us=Na(),xs=Pa(),Ps=!!n.WebKitPlaybackTargetAvailabilityEvent,Ns=!!n.chrome;var kt=t=>rt(t.media,e=>[J.SUBTITLES,J.CAPTIONS].includes(e.kind)).sort((e,i)=>e.kind>=i.kind?1:-1),Fa=t=>rt(t.media,e=>e.mode===xe.SHOWING&&[J.SUBTITLES,J.CAPTIONS].includes(e.kind)),cr=(t,e)=>{let i=kt(t),r=Fa(t),a=!!r.length;if(i.length){if(e===!1||a&&e!==!0)it(xe.DISABLED,i,r);else if(e===!0||!a&&e!==!1){let s=i[0],{options:l}=t;if(!l?.noSubtitlesLangPref){let I=n.localStorage.getItem("media-chrome-pref-subtitles-lang"),T=I?[I,...n.navigator.languages]:n.navigator.languages,f=i.filter(p=>T.some(A=>p.language.toLowerCase().startsWith(A.split("-")[0]))).sort((p,A)=>{let v=T.findIndex(S=>p.language.toLowerCase().startsWith(S.split("-")[0])),w=T.findIndex(S=>A.language.toLowerCase().startsWith(S.split("-")[0]));return v-w});f[0]&&(s=f[0])}let{language:d,label:u,kind:k}=s;it(xe.DISABLED,i,r),it(xe.SHOWING,i,[{language:d,label:u,kind:k}])}}},hr=(t,e)=>t===e?!0:t==null||e==null||typeof t!=typeof e?!1:typeof t=="number"&&Number.isNaN(t)&&Number.isNaN(e)?!0:typeof t!="object"?!1:Array.isArray(t)?Dl(t,e):Object.entries(t).every(([i,r])=>i in e&&hr(r,e[i])),Dl=(t,e)=>{let i=Array.isArray(t),r=Array.isArray(e);return i!==r?!1:i||r?t.length!==e.length?!1:t.every((a,s)=>hr(a,e[s])):!0};var Cl=Object.values(ie),mr,Rl=Os().then(t=>(mr=t,mr)),Fs=async(...t)=>{await Promise.all(t.filter(e=>e).map(async e=>{if(!("localName"in e&&e instanceof n.HTMLElement))return;let i=e.localName;if(!i.includes("-"))return;let r=n.customElements.get(i);r&&e instanceof r||(await n.customElements.whenDefined(i),n.customElements.upgrade(e))}))},Ol=new n.DOMParser,Ul=t=>t&&(Ol.parseFromString(t,"text/html").body.textContent||t),Mt={mediaError:{get(t,e){let{media:i}=t;if(e?.type!=="playing")return i?.error},mediaEvents:["emptied","error","playing"]},mediaErrorCode:{get(t,e){var i;let{media:r}=t;if(e?.type!=="playing")return(i=r?.error)==null?void 0:i.code},mediaEvents:["emptied","error","playing"]},mediaErrorMessage:{get(t,e){var i,r;let{media:a}=t;if(e?.type!=="playing")return(r=(i=a?.error)==null?void 0:i.message)!=null?r:""},mediaEvents:["emptied","error","playing"]},mediaWidth:{get(t){var e;let{media:i}=t;return(e=i?.videoWidth)!=null?e:0},mediaEvents:["resize"]},mediaHeight:{get(t){var e;let{media:i}=t;return(e=i?.videoHeight)!=null?e:0},mediaEvents:["resize"]},mediaPaused:{get(t){var e;let{media:i}=t;return(e=i?.paused)!=null?e:!0},set(t,e){var i;let{media:r}=e;r&&(t?r.pause():(i=r.play())==null||i.catch(()=>{}))},mediaEvents:["play","playing","pause","emptied"]},mediaHasPlayed:{get(t,e){let{media:i}=t;return i?e?e.type==="playing":!i.paused:!1},mediaEvents:["playing","emptied"]},mediaEnded:{get(t){var e;let{media:i}=t;return(e=i?.ended)!=null?e:!1},mediaEvents:["seeked","ended","emptied"]},mediaPlaybackRate:{get(t){var e;let{media:i}=t;return(e=i?.playbackRate)!=null?e:1},set(t,e){let{media:i}=e;i&&Number.isFinite(+t)&&(i.playbackRate=+t)},mediaEvents:["ratechange","loadstart"]},mediaMuted:{get(t){var e;let{media:i}=t;return(e=i?.muted)!=null?e:!1},set(t,e){let{media:i,options:{noMutedPref:r}={}}=e;if(i){i.muted=t;try{let a=n.localStorage.getItem("media-chrome-pref-muted")!==null,s=i.hasAttribute("muted");if(r){a&&n.localStorage.removeItem("media-chrome-pref-muted");return}if(s&&!a)return;n.localStorage.setItem("media-chrome-pref-muted",t?"true":"false")}catch(a){console.debug("Error setting muted pref",a)}}},mediaEvents:["volumechange"],stateOwnersUpdateHandlers:[(t,e)=>{let{options:{noMutedPref:i}}=e,{media:r}=e;if(!(!r||r.muted||i))try{let a=n.localStorage.getItem("media-chrome-pref-muted")==="true";Mt.mediaMuted.set(a,e),t(a)}catch(a){console.debug("Error getting muted pref",a)}}]},mediaLoop:{get(t){let{media:e}=t;return e?.loop},set(t,e){let{media:i}=e;i&&(i.loop=t)},mediaEvents:["medialooprequest"]},mediaVolume:{get(t){var e;let{media:i}=t;return(e=i?.volume)!=null?e:1},set(t,e){let{media:i,options:{noVolumePref:r}={}}=e;if(i){try{t==null?n.localStorage.removeItem("media-chrome-pref-volume"):!i.hasAttribute("muted")&&!r&&n.localStorage.setItem("media-chrome-pref-volume",t.toString())}catch(a){console.debug("Error setting volume pref",a)}Number.isFinite(+t)&&(i.volume=+t)}},mediaEvents:["volumechange"],stateOwnersUpdateHandlers:[(t,e)=>{let{options:{noVolumePref:i}}=e;if(!i)try{let{media:r}=e;if(!r)return;let a=n.localStorage.getItem("media-chrome-pref-volume");if(a==null)return;Mt.mediaVolume.set(+a,e),t(+a)}catch(r){console.debug("Error getting volume pref",r)}}]},mediaVolumeLevel:{get(t){let{media:e}=t;return typeof e?.volume>"u"?"high":e.muted||e.volume===0?"off":e.volume<.5?"low":e.volume<.75?"medium":"high"},mediaEvents:["volumechange"]},mediaCurrentTime:{get(t){var e;let{media:i}=t;return(e=i?.currentTime)!=null?e:0},set(t,e){let{media:i}=e;!i||!pt(t)||(i.currentTime=t)},mediaEvents:["timeupdate","loadedmetadata","seeking"]},mediaDuration:{get(t){let{media:e,options:{defaultDuration:i}={}}=t;return i&&(!e||!e.duration||Number.isNaN(e.duration)||!Number.isFinite(e.duration))?i:Number.isFinite(e?.duration)?e.duration:Number.NaN},mediaEvents:["durationchange","loadedmetadata","emptied"]},mediaLoading:{get(t){let{media:e}=t;return e?.readyState<3},mediaEvents:["waiting","playing","emptied"]},mediaSeekable:{get(t){var e;let{media:i}=t;if(!((e=i?.seekable)!=null&&e.length))return;let r=i.seekable.start(0),a=i.seekable.end(i.seekable.length-1);if(!(!r&&!a))return[Number(r.toFixed(3)),Number(a.toFixed(3))]},mediaEvents:["loadedmetadata","emptied","progress","seekablechange"]},mediaBuffered:{get(t){var e;let{media:i}=t,r=(e=i?.buffered)!=null?e:[];return Array.from(r).map((a,s)=>[Number(r.start(s).toFixed(3)),Number(r.end(s).toFixed(3))])},mediaEvents:["progress","emptied"]},mediaStreamType:{get(t){let{media:e,options:{defaultStreamType:i}={}}=t,r=[ie.LIVE,ie.ON_DEMAND].includes(i)?i:void 0;if(!e)return r;let{streamType:a}=e;if(Cl.includes(a))return a===ie.UNKNOWN?r:a;let s=e.duration;return s===1/0?ie.LIVE:Number.isFinite(s)?ie.ON_DEMAND:r},mediaEvents:["emptied","durationchange","loadedmetadata","streamtypechange"]},mediaTargetLiveWindow:{get(t){let{media:e}=t;if(!e)return Number.NaN;let{targetLiveWindow:i}=e,r=Mt.mediaStreamType.get(t);return(i==null||Number.isNaN(i))&&r===ie.LIVE?0:i},mediaEvents:["emptied","durationchange","loadedmetadata","streamtypechange","targetlivewindowchange"]},mediaTimeIsLive:{get(t){let{media:e,options:{liveEdgeOffset:i=10}={}}=t;if(!e)return!1;if(typeof e.liveEdgeStart=="number")return Number.isNaN(e.liveEdgeStart)?!1:e.currentTime>=e.liveEdgeStart;if(!(Mt.mediaStreamType.get(t)===ie.LIVE))return!1;let a=e.seekable;if(!a)return!0;if(!a.length)return!1;let s=a.end(a.length-1)-i;return e.currentTime>=s},mediaEvents:["playing","timeupdate","progress","waiting","emptied"]},mediaSubtitlesList:{get(t){return kt(t).map(({kind:e,label:i,language:r})=>({kind:e,label:i,language:r}))},mediaEvents:["loadstart"],textTracksEvents:["addtrack","removetrack"]},mediaSubtitlesShowing:{get(t){return Fa(t).map(({kind:e,label:i,language:r})=>({kind:e,label:i,language:r}))},mediaEvents:["loadstart"],textTracksEvents:["addtrack","removetrack","change"],stateOwnersUpdateHandlers:[(t,e)=>{var i,r;let{media:a,options:s}=e;if(!a)return;let l=d=>{var u;!s.defaultSubtitles||d&&![J.CAPTIONS,J.SUBTITLES].includes((u=d?.track)==null?void 0:u.kind)||cr(e,!0)};return a.addEventListener("loadstart",l),(i=a.textTracks)==null||i.addEventListener("addtrack",l),(r=a.textTracks)==null||r.addEventListener("removetrack",l),()=>{var d,u;a.removeEventListener("loadstart",l),(d=a.textTracks)==null||d.removeEventListener("addtrack",l),(u=a.textTracks)==null||u.removeEventListener("removetrack",l)}}]},mediaChaptersCues:{get(t){var e;let{media:i}=t;if(!i)return[];let[r]=rt(i,{kind:J.CHAPTERS});return Array.from((e=r?.cues)!=null?e:[]).map(({text:a,startTime:s,endTime:l})=>({text:Ul(a),startTime:s,endTime:l}))},mediaEvents:["loadstart","loadedmetadata"],textTracksEvents:["addtrack","removetrack","change"],stateOwnersUpdateHandlers:[(t,e)=>{var i;let{media:r}=e;if(!r)return;let a=r.querySelector('track[kind="chapters"][default][src]'),s=(i=r.shadowRoot)==null?void 0:i.querySelector(':is(video,audio) > track[kind="chapters"][default][src]');return a?.addEventListener("load",t),s?.addEventListener("load",t),()=>{a?.removeEventListener("load",t),s?.removeEventListener("load",t)}}]},mediaIsPip:{get(t){var e,i;let{media:r,documentElement:a}=t;if(!r||!a||!a.pictureInPictureElement)return!1;if(a.pictureInPictureElement===r)return!0;if(a.pictureInPictureElement instanceof HTMLMediaElement)return(e=r.localName)!=null&&e.includes("-")?fe(r,a.pictureInPictureElement):!1;if(a.pictureInPictureElement.localName.includes("-")){let s=a.pictureInPictureElement.shadowRoot;for(;s?.pictureInPictureElement;){if(s.pictureInPictureElement===r)return!0;s=(i=s.pictureInPictureElement)==null?void 0:i.shadowRoot}}return!1},set(t,e){let{media:i}=e;if(i)if(t){if(!W.pictureInPictureEnabled){console.warn("MediaChrome: Picture-in-picture is not enabled");return}if(!i.requestPictureInPicture){console.warn("MediaChrome: The current media does not support picture-in-picture");return}let r=()=>{console.warn("MediaChrome: The media is not ready for picture-in-picture. It must have a readyState > 0.")};i.requestPictureInPicture().catch(a=>{if(a.code===11){if(!i.src){console.warn("MediaChrome: The media is not ready for picture-in-picture. It must have a src set.");return}if(i.readyState===0&&i.preload==="none"){let s=()=>{i.removeEventListener("loadedmetadata",l),i.preload="none"},l=()=>{i.requestPictureInPicture().catch(r),s()};i.addEventListener("loadedmetadata",l),i.preload="metadata",setTimeout(()=>{i.readyState===0&&r(),s()},1e3)}else throw a}else throw a})}else W.pictureInPictureElement&&W.exitPictureInPicture()},mediaEvents:["enterpictureinpicture","leavepictureinpicture"]},mediaRenditionList:{get(t){var e;let{media:i}=t;return[...(e=i?.videoRenditions)!=null?e:[]].map(r=>({...r}))},mediaEvents:["emptied","loadstart"],videoRenditionsEvents:["addrendition","removerendition"]},mediaRenditionSelected:{get(t){var e,i,r;let{media:a}=t;return(r=(i=a?.videoRenditions)==null?void 0:i[(e=a.videoRenditions)==null?void 0:e.selectedIndex])==null?void 0:r.id},set(t,e){let{media:i}=e;if(!i?.videoRenditions){console.warn("MediaController: Rendition selection not supported by this media.");return}let r=t,a=Array.prototype.findIndex.call(i.videoRenditions,s=>s.id==r);i.videoRenditions.selectedIndex!=a&&(i.videoRenditions.selectedIndex=a)},mediaEvents:["emptied"],videoRenditionsEvents:["addrendition","removerendition","change"]},mediaAudioTrackList:{get(t){var e;let{media:i}=t;return[...(e=i?.audioTracks)!=null?e:[]]},mediaEvents:["emptied","loadstart"],audioTracksEvents:["addtrack","removetrack"]},mediaAudioTrackEnabled:{get(t){var e,i;let{media:r}=t;return(i=[...(e=r?.audioTracks)!=null?e:[]].find(a=>a.enabled))==null?void 0:i.id},set(t,e){let{media:i}=e;if(!i?.audioTracks){console.warn("MediaChrome: Audio track selection not supported by this media.");return}let r=t;for(let a of i.audioTracks)a.enabled=r==a.id},mediaEvents:["emptied"],audioTracksEvents:["addtrack","removetrack","change"]},mediaIsFullscreen:{get(t){return Cs(t)},set(t,e,i){var r,a;t?(ws(e),i.detail&&!((r=e.media)!=null&&r.inert)&&((a=e.media)==null||a.focus())):Ds(e)},rootEvents:["fullscreenchange","webkitfullscreenchange"],mediaEvents:["webkitbeginfullscreen","webkitendfullscreen","webkitpresentationmodechanged"]},mediaIsCasting:{get(t){var e;let{media:i}=t;return!i?.remote||((e=i.remote)==null?void 0:e.state)==="disconnected"?!1:i.remote.state==="connected"},set(t,e){var i,r;let{media:a}=e;if(a&&!(t&&((i=a.remote)==null?void 0:i.state)!=="disconnected")&&!(!t&&((r=a.remote)==null?void 0:r.state)!=="connected")){if(typeof a.remote.prompt!="function"){console.warn("MediaChrome: Casting is not supported in this environment");return}a.remote.prompt().catch(()=>{})}},remoteEvents:["connect","connecting","disconnect"]},mediaIsAirplaying:{get(){return!1},set(t,e){let{media:i}=e;if(i){if(!(i.webkitShowPlaybackTargetPicker&&n.WebKitPlaybackTargetAvailabilityEvent)){console.error("MediaChrome: received a request to select AirPlay but AirPlay is not supported in this environment");return}i.webkitShowPlaybackTargetPicker()}},mediaEvents:["webkitcurrentplaybacktargetiswirelesschanged"]},mediaFullscreenUnavailable:{get(t){let{media:e}=t;if(!Us||!Na(e))return j.UNSUPPORTED}},mediaPipUnavailable:{get(t){let{media:e}=t;if(!xs||!Pa(e))return j.UNSUPPORTED;if(e?.disablePictureInPicture)return j.UNAVAILABLE}},mediaVolumeUnavailable:{get(t){let{media:e}=t;if(mr===!1||e?.volume==null)return j.UNSUPPORTED},stateOwnersUpdateHandlers:[t=>{mr==null&&Rl.then(e=>t(e?void 0:j.UNSUPPORTED))}]},mediaCastUnavailable:{get(t,{availability:e="not-available"}={}){var i;let{media:r}=t;if(!Ns||!((i=r?.remote)!=null&&i.state))return j.UNSUPPORTED;if(!(e==null||e==="available"))return j.UNAVAILABLE},stateOwnersUpdateHandlers:[(t,e)=>{var i;let{media:r}=e;return r?(r.disableRemotePlayback||r.hasAttribute("disableremoteplayback")||(i=r?.remote)==null||i.watchAvailability(s=>{t({availability:s?"available":"not-available"})}).catch(s=>{s.name==="NotSupportedError"?t({availability:null}):t({availability:"not-available"})}),()=>{var s;(s=r?.remote)==null||s.cancelWatchAvailability().catch(()=>{})}):void 0}]},mediaAirplayUnavailable:{get(t,e){if(!Ps)return j.UNSUPPORTED;if(e?.availability==="not-available")return j.UNAVAILABLE},mediaEvents:["webkitplaybacktargetavailabilitychanged"],stateOwnersUpdateHandlers:[(t,e)=>{var i;let{media:r}=e;return r?(r.disableRemotePlayback||r.hasAttribute("disableremoteplayback")||(i=r?.remote)==null||i.watchAvailability(s=>{t({availability:s?"available":"not-available"})}).catch(s=>{s.name==="NotSupportedError"?t({availability:null}):t({availability:"not-available"})}),()=>{var s;(s=r?.remote)==null||s.cancelWatchAvailability().catch(()=>{})}):void 0}]},mediaRenditionUnavailable:{get(t){var e;let{media:i}=t;if(!i?.videoRenditions)return j.UNSUPPORTED;if(!((e=i.videoRenditions)!=null&&e.length))return j.UNAVAILABLE},mediaEvents:["emptied","loadstart"],videoRenditionsEvents:["addrendition","removerendition"]},mediaAudioTrackUnavailable:{get(t){var e,i;let{media:r}=t;if(!r?.audioTracks)return j.UNSUPPORTED;if(((i=(e=r.audioTracks)==null?void 0:e.length)!=null?i:0)<=1)return j.UNAVAILABLE},mediaEvents:["emptied","loadstart"],audioTracksEvents:["addtrack","removetrack"]},mediaLang:{get(t){let{options:{mediaLang:e}={}}=t;return e??"en"}}};var Bs={[m.MEDIA_PREVIEW_REQUEST](t,e,{detail:i}){var r,a,s;let{media:l}=e,d=i??void 0,u,k;if(l&&d!=null){let[p]=rt(l,{kind:J.METADATA,label:"thumbnails"}),A=Array.prototype.find.call((r=p?.cues)!=null?r:[],(v,w,S)=>w===0?v.endTime>d:w===S.length-1?v.startTime<=d:v.startTime<=d&&v.endTime>d);if(A){let v=/'^(?:[a-z]+:)?\/\//i.test(A.text)||(a=l?.querySelector('track[label="thumbnails"]'))==null?void 0:a.src,w=new URL(A.text,v);k=new URLSearchParams(w.hash).get("#xywh").split(",").map(Z=>+Z),u=w.href}}let I=t.mediaDuration.get(e),f=(s=t.mediaChaptersCues.get(e).find((p,A,v)=>A===v.length-1&&I===p.endTime?p.startTime<=d&&p.endTime>=d:p.startTime<=d&&p.endTime>d))==null?void 0:s.text;return i!=null&&f==null&&(f=""),{mediaPreviewTime:d,mediaPreviewImage:u,mediaPreviewCoords:k,mediaPreviewChapter:f}},[m.MEDIA_PAUSE_REQUEST](t,e){t["mediaPaused"].set(!0,e)},[m.MEDIA_PLAY_REQUEST](t,e){var i,r,a,s;let l="mediaPaused",u=t.mediaStreamType.get(e)===ie.LIVE,k=!((i=e.options)!=null&&i.noAutoSeekToLive),I=t.mediaTargetLiveWindow.get(e)>0;if(u&&k&&!I){let T=(r=t.mediaSeekable.get(e))==null?void 0:r[1];if(T){let f=(s=(a=e.options)==null?void 0:a.seekToLiveOffset)!=null?s:0,p=T-f;t.mediaCurrentTime.set(p,e)}}t[l].set(!1,e)},[m.MEDIA_PLAYBACK_RATE_REQUEST](t,e,{detail:i}){let r="mediaPlaybackRate",a=i;t[r].set(a,e)},[m.MEDIA_MUTE_REQUEST](t,e){t["mediaMuted"].set(!0,e)},[m.MEDIA_UNMUTE_REQUEST](t,e){let i="mediaMuted";t.mediaVolume.get(e)||t.mediaVolume.set(.25,e),t[i].set(!1,e)},[m.MEDIA_LOOP_REQUEST](t,e,{detail:i}){let r="mediaLoop",a=!!i;return t[r].set(a,e),{mediaLoop:a}},[m.MEDIA_VOLUME_REQUEST](t,e,{detail:i}){let r="mediaVolume",a=i;a&&t.mediaMuted.get(e)&&t.mediaMuted.set(!1,e),t[r].set(a,e)},[m.MEDIA_SEEK_REQUEST](t,e,{detail:i}){let r="mediaCurrentTime",a=i;t[r].set(a,e)},[m.MEDIA_SEEK_TO_LIVE_REQUEST](t,e){var i,r,a;let s="mediaCurrentTime",l=(i=t.mediaSeekable.get(e))==null?void 0:i[1];if(Number.isNaN(Number(l)))return;let d=(a=(r=e.options)==null?void 0:r.seekToLiveOffset)!=null?a:0,u=l-d;t[s].set(u,e)},[m.MEDIA_SHOW_SUBTITLES_REQUEST](t,e,{detail:i}){var r;let{options:a}=e,s=kt(e),l=Ua(i),d=(r=l[0])==null?void 0:r.language;d&&!a.noSubtitlesLangPref&&n.localStorage.setItem("media-chrome-pref-subtitles-lang",d),it(xe.SHOWING,s,l)},[m.MEDIA_DISABLE_SUBTITLES_REQUEST](t,e,{detail:i}){let r=kt(e),a=i??[];it(xe.DISABLED,r,a)},[m.MEDIA_TOGGLE_SUBTITLES_REQUEST](t,e,{detail:i}){cr(e,i)},[m.MEDIA_RENDITION_REQUEST](t,e,{detail:i}){let r="mediaRenditionSelected",a=i;t[r].set(a,e)},[m.MEDIA_AUDIO_TRACK_REQUEST](t,e,{detail:i}){let r="mediaAudioTrackEnabled",a=i;t[r].set(a,e)},[m.MEDIA_ENTER_PIP_REQUEST](t,e){let i="mediaIsPip";t.mediaIsFullscreen.get(e)&&t.mediaIsFullscreen.set(!1,e),t[i].set(!0,e)},[m.MEDIA_EXIT_PIP_REQUEST](t,e){t["mediaIsPip"].set(!1,e)},[m.MEDIA_ENTER_FULLSCREEN_REQUEST](t,e,i){let r="mediaIsFullscreen";t.mediaIsPip.get(e)&&t.mediaIsPip.set(!1,e),t[r].set(!0,e,i)},[m.MEDIA_EXIT_FULLSCREEN_REQUEST](t,e){t["mediaIsFullscreen"].set(!1,e)},[m.MEDIA_ENTER_CAST_REQUEST](t,e){let i="mediaIsCasting";t.mediaIsFullscreen.get(e)&&t.mediaIsFullscreen.set(!1,e),t[i].set(!0,e)},[m.MEDIA_EXIT_CAST_REQUEST](t,e){t["mediaIsCasting"].set(!1,e)},[m.MEDIA_AIRPLAY_REQUEST](t,e){t["mediaIsAirplaying"].set(!0,e)}};var Hs=({media:t,fullscreenElement:e,documentElement:i,stateMediator:r=Mt,requestMap:a=Bs,options:s={},monitorStateOwnersOnlyWithSubscriptions:l=!0})=>{let d=[],u={options:{...s}},k=Object.freeze({mediaPreviewTime:void 0,mediaPreviewImage:void 0,mediaPreviewCoords:void 0,mediaPreviewChapter:void 0}),I=v=>{v!=null&&(hr(v,k)||(k=Object.freeze({...k,...v}),d.forEach(w=>w(k))))},T=()=>{let v=Object.entries(r).reduce((w,[S,{get:Z}])=>(w[S]=Z(u),w),{});I(v)},f={},p,A=async(v,w)=>{var S,Z,Vt,Kt,dt,De,Ce,Gt,Qe,yo,ko,Mo,Lo,wo,Do,Co;let Wn=!!p;if(p={...u,...p??{},...v},Wn)return;await Fs(...Object.values(v));let ut=d.length>0&&w===0&&l,Ro=u.media!==p.media,Oo=((S=u.media)==null?void 0:S.textTracks)!==((Z=p.media)==null?void 0:Z.textTracks),Uo=((Vt=u.media)==null?void 0:Vt.videoRenditions)!==((Kt=p.media)==null?void 0:Kt.videoRenditions),xo=((dt=u.media)==null?void 0:dt.audioTracks)!==((De=p.media)==null?void 0:De.audioTracks),Po=((Ce=u.media)==null?void 0:Ce.remote)!==((Gt=p.media)==null?void 0:Gt.remote),No=u.documentElement!==p.documentElement,Fo=!!u.media&&(Ro||ut),Bo=!!((Qe=u.media)!=null&&Qe.textTracks)&&(Oo||ut),Ho=!!((yo=u.media)!=null&&yo.videoRenditions)&&(Uo||ut),$o=!!((ko=u.media)!=null&&ko.audioTracks)&&(xo||ut),Wo=!!((Mo=u.media)!=null&&Mo.remote)&&(Po||ut),Vo=!!u.documentElement&&(No||ut),ma=Fo||Bo||Ho||$o||Wo||Vo,ct=d.length===0&&w===1&&l,Ko=!!p.media&&(Ro||ct),Go=!!((Lo=p.media)!=null&&Lo.textTracks)&&(Oo||ct),qo=!!((wo=p.media)!=null&&wo.videoRenditions)&&(Uo||ct),Yo=!!((Do=p.media)!=null&&Do.audioTracks)&&(xo||ct),Qo=!!((Co=p.media)!=null&&Co.remote)&&(Po||ct),zo=!!p.documentElement&&(No||ct),Zo=Ko||Go||qo||Yo||Qo||zo;if(!(ma||Zo)){Object.entries(p).forEach(([O,qt])=>{u[O]=qt}),T(),p=void 0;return}Object.entries(r).forEach(([O,{get:qt,mediaEvents:Vn=[],textTracksEvents:Kn=[],videoRenditionsEvents:Gn=[],audioTracksEvents:qn=[],remoteEvents:Yn=[],rootEvents:Qn=[],stateOwnersUpdateHandlers:zn=[]}])=>{f[O]||(f[O]={});let te=N=>{let $=qt(u,N);I({[O]:$})},G;G=f[O].mediaEvents,Vn.forEach(N=>{G&&Fo&&(u.media.removeEventListener(N,G),f[O].mediaEvents=void 0),Ko&&(p.media.addEventListener(N,te),f[O].mediaEvents=te)}),G=f[O].textTracksEvents,Kn.forEach(N=>{var $,le;G&&Bo&&(($=u.media.textTracks)==null||$.removeEventListener(N,G),f[O].textTracksEvents=void 0),Go&&((le=p.media.textTracks)==null||le.addEventListener(N,te),f[O].textTracksEvents=te)}),G=f[O].videoRenditionsEvents,Gn.forEach(N=>{var $,le;G&&Ho&&(($=u.media.videoRenditions)==null||$.removeEventListener(N,G),f[O].videoRenditionsEvents=void 0),qo&&((le=p.media.videoRenditions)==null||le.addEventListener(N,te),f[O].videoRenditionsEvents=te)}),G=f[O].audioTracksEvents,qn.forEach(N=>{var $,le;G&&$o&&(($=u.media.audioTracks)==null||$.removeEventListener(N,G),f[O].audioTracksEvents=void 0),Yo&&((le=p.media.audioTracks)==null||le.addEventListener(N,te),f[O].audioTracksEvents=te)}),G=f[O].remoteEvents,Yn.forEach(N=>{var $,le;G&&Wo&&(($=u.media.remote)==null||$.removeEventListener(N,G),f[O].remoteEvents=void 0),Qo&&((le=p.media.remote)==null||le.addEventListener(N,te),f[O].remoteEvents=te)}),G=f[O].rootEvents,Qn.forEach(N=>{G&&Vo&&(u.documentElement.removeEventListener(N,G),f[O].rootEvents=void 0),zo&&(p.documentElement.addEventListener(N,te),f[O].rootEvents=te)});let Ni=f[O].stateOwnersUpdateHandlers;if(Ni&&ma&&(Array.isArray(Ni)?Ni:[Ni]).forEach($=>{typeof $=="function"&&$()}),Zo){let N=zn.map($=>$(te,p)).filter($=>typeof $=="function");f[O].stateOwnersUpdateHandlers=N.length===1?N[0]:N}else ma&&(f[O].stateOwnersUpdateHandlers=void 0)}),Object.entries(p).forEach(([O,qt])=>{u[O]=qt}),T(),p=void 0};return A({media:t,fullscreenElement:e,documentElement:i,options:s}),{dispatch(v){let{type:w,detail:S}=v;if(a[w]&&k.mediaErrorCode==null){I(a[w](r,u,v));return}w==="mediaelementchangerequest"?A({media:S}):w==="fullscreenelementchangerequest"?A({fullscreenElement:S}):w==="documentelementchangerequest"?A({documentElement:S}):w==="optionschangerequest"&&(Object.entries(S??{}).forEach(([Z,Vt])=>{u.options[Z]=Vt}),T())},getState(){return k},subscribe(v){return A({},d.length+1),d.push(v),v(k),()=>{let w=d.indexOf(v);w>=0&&(A({},d.length-1),d.splice(w,1))}}}};var Ka=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},E=(t,e,i)=>(Ka(t,e,"read from private field"),i?i.call(t):e.get(t)),re=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},me=(t,e,i,r)=>(Ka(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),He=(t,e,i)=>(Ka(t,e,"access private method"),i),Ue,ai,D,ae,oi,ge,pr,si,Er,Ba,ot,vr,Ha,ni,fr,$a,Ys,Qs=["ArrowLeft","ArrowRight","ArrowUp","ArrowDown","Enter"," ","f","m","k","c","l","j",">","<","p"],$s=10,Ws=.025,Vs=.25,xl=.25,Pl=2,c={DEFAULT_SUBTITLES:"defaultsubtitles",DEFAULT_STREAM_TYPE:"defaultstreamtype",DEFAULT_DURATION:"defaultduration",FULLSCREEN_ELEMENT:"fullscreenelement",HOTKEYS:"hotkeys",KEYBOARD_BACKWARD_SEEK_OFFSET:"keyboardbackwardseekoffset",KEYBOARD_FORWARD_SEEK_OFFSET:"keyboardforwardseekoffset",KEYBOARD_DOWN_VOLUME_STEP:"keyboarddownvolumestep",KEYBOARD_UP_VOLUME_STEP:"keyboardupvolumestep",KEYS_USED:"keysused",LANG:"lang",LOOP:"loop",LIVE_EDGE_OFFSET:"liveedgeoffset",NO_AUTO_SEEK_TO_LIVE:"noautoseektolive",NO_DEFAULT_STORE:"nodefaultstore",NO_HOTKEYS:"nohotkeys",NO_MUTED_PREF:"nomutedpref",NO_SUBTITLES_LANG_PREF:"nosubtitleslangpref",NO_VOLUME_PREF:"novolumepref",SEEK_TO_LIVE_OFFSET:"seektoliveoffset"},Wa=class extends Xe{constructor(){super(),re(this,Er),re(this,vr),re(this,ni),re(this,$a),this.mediaStateReceivers=[],this.associatedElementSubscriptions=new Map,re(this,Ue,new yt(this,c.HOTKEYS)),re(this,ai,void 0),re(this,D,void 0),re(this,ae,null),re(this,oi,void 0),re(this,ge,void 0),re(this,pr,i=>{var r;(r=E(this,D))==null||r.dispatch(i)}),re(this,si,void 0),re(this,ot,i=>{let{key:r,shiftKey:a}=i;if(!(a&&(r==="/"||r==="?")||Qs.includes(r))){this.removeEventListener("keyup",E(this,ot));return}this.keyboardShortcutHandler(i)}),this.associateElement(this);let e={};me(this,oi,i=>{Object.entries(i).forEach(([r,a])=>{if(r in e&&e[r]===a)return;this.propagateMediaState(r,a);let s=r.toLowerCase(),l=new n.CustomEvent(es[s],{composed:!0,detail:a});this.dispatchEvent(l)}),e=i})}static get observedAttributes(){return super.observedAttributes.concat(c.NO_HOTKEYS,c.HOTKEYS,c.DEFAULT_STREAM_TYPE,c.DEFAULT_SUBTITLES,c.DEFAULT_DURATION,c.NO_MUTED_PREF,c.NO_VOLUME_PREF,c.LANG,c.LOOP,c.LIVE_EDGE_OFFSET,c.SEEK_TO_LIVE_OFFSET,c.NO_AUTO_SEEK_TO_LIVE)}get mediaStore(){return E(this,D)}set mediaStore(e){var i,r;if(E(this,D)&&((i=E(this,ge))==null||i.call(this),me(this,ge,void 0)),me(this,D,e),!E(this,D)&&!this.hasAttribute(c.NO_DEFAULT_STORE)){He(this,Er,Ba).call(this);return}me(this,ge,(r=E(this,D))==null?void 0:r.subscribe(E(this,oi)))}get fullscreenElement(){var e;return(e=E(this,ai))!=null?e:this}set fullscreenElement(e){var i;this.hasAttribute(c.FULLSCREEN_ELEMENT)&&this.removeAttribute(c.FULLSCREEN_ELEMENT),me(this,ai,e),(i=E(this,D))==null||i.dispatch({type:"fullscreenelementchangerequest",detail:this.fullscreenElement})}get defaultSubtitles(){return _(this,c.DEFAULT_SUBTITLES)}set defaultSubtitles(e){g(this,c.DEFAULT_SUBTITLES,e)}get defaultStreamType(){return L(this,c.DEFAULT_STREAM_TYPE)}set defaultStreamType(e){y(this,c.DEFAULT_STREAM_TYPE,e)}get defaultDuration(){return C(this,c.DEFAULT_DURATION)}set defaultDuration(e){U(this,c.DEFAULT_DURATION,e)}get noHotkeys(){return _(this,c.NO_HOTKEYS)}set noHotkeys(e){g(this,c.NO_HOTKEYS,e)}get keysUsed(){return L(this,c.KEYS_USED)}set keysUsed(e){y(this,c.KEYS_USED,e)}get liveEdgeOffset(){return C(this,c.LIVE_EDGE_OFFSET)}set liveEdgeOffset(e){U(this,c.LIVE_EDGE_OFFSET,e)}get noAutoSeekToLive(){return _(this,c.NO_AUTO_SEEK_TO_LIVE)}set noAutoSeekToLive(e){g(this,c.NO_AUTO_SEEK_TO_LIVE,e)}get noVolumePref(){return _(this,c.NO_VOLUME_PREF)}set noVolumePref(e){g(this,c.NO_VOLUME_PREF,e)}get noMutedPref(){return _(this,c.NO_MUTED_PREF)}set noMutedPref(e){g(this,c.NO_MUTED_PREF,e)}get noSubtitlesLangPref(){return _(this,c.NO_SUBTITLES_LANG_PREF)}set noSubtitlesLangPref(e){g(this,c.NO_SUBTITLES_LANG_PREF,e)}get noDefaultStore(){return _(this,c.NO_DEFAULT_STORE)}set noDefaultStore(e){g(this,c.NO_DEFAULT_STORE,e)}get resolvedLang(){return Jo()}attributeChangedCallback(e,i,r){var a,s,l,d,u,k,I,T,f,p,A,v;if(super.attributeChangedCallback(e,i,r),e===c.NO_HOTKEYS)r!==i&&r===""?(this.hasAttribute(c.HOTKEYS)&&console.warn("Media Chrome: Both `hotkeys` and `nohotkeys` have been set. All hotkeys will be disabled."),this.disableHotkeys()):r!==i&&r===null&&this.enableHotkeys(),He(this,ni,fr).call(this);else if(e===c.HOTKEYS)E(this,Ue).value=r,He(this,ni,fr).call(this);else if(e===c.DEFAULT_SUBTITLES&&r!==i)(a=E(this,D))==null||a.dispatch({type:"optionschangerequest",detail:{defaultSubtitles:this.hasAttribute(c.DEFAULT_SUBTITLES)}});else if(e===c.DEFAULT_STREAM_TYPE)(l=E(this,D))==null||l.dispatch({type:"optionschangerequest",detail:{defaultStreamType:(s=this.getAttribute(c.DEFAULT_STREAM_TYPE))!=null?s:void 0}});else if(e===c.LIVE_EDGE_OFFSET&&r!==i)(d=E(this,D))==null||d.dispatch({type:"optionschangerequest",detail:{liveEdgeOffset:this.hasAttribute(c.LIVE_EDGE_OFFSET)?+this.getAttribute(c.LIVE_EDGE_OFFSET):void 0,seekToLiveOffset:this.hasAttribute(c.SEEK_TO_LIVE_OFFSET)?+this.getAttribute(c.SEEK_TO_LIVE_OFFSET):this.hasAttribute(c.LIVE_EDGE_OFFSET)?+this.getAttribute(c.LIVE_EDGE_OFFSET):void 0}});else if(e===c.SEEK_TO_LIVE_OFFSET&&r!==i)(u=E(this,D))==null||u.dispatch({type:"optionschangerequest",detail:{seekToLiveOffset:this.hasAttribute(c.SEEK_TO_LIVE_OFFSET)?+this.getAttribute(c.SEEK_TO_LIVE_OFFSET):this.hasAttribute(c.LIVE_EDGE_OFFSET)?+this.getAttribute(c.LIVE_EDGE_OFFSET):void 0}});else if(e===c.NO_AUTO_SEEK_TO_LIVE)(k=E(this,D))==null||k.dispatch({type:"optionschangerequest",detail:{noAutoSeekToLive:this.hasAttribute(c.NO_AUTO_SEEK_TO_LIVE)}});else if(e===c.FULLSCREEN_ELEMENT){let w=r?(I=this.getRootNode())==null?void 0:I.getElementById(r):void 0;me(this,ai,w),(T=E(this,D))==null||T.dispatch({type:"fullscreenelementchangerequest",detail:this.fullscreenElement})}else e===c.LANG&&r!==i?(Bi(r),(f=E(this,D))==null||f.dispatch({type:"optionschangerequest",detail:{mediaLang:r}})):e===c.LOOP&&r!==i?(p=E(this,D))==null||p.dispatch({type:m.MEDIA_LOOP_REQUEST,detail:r!=null}):e===c.NO_VOLUME_PREF&&r!==i?(A=E(this,D))==null||A.dispatch({type:"optionschangerequest",detail:{noVolumePref:this.hasAttribute(c.NO_VOLUME_PREF)}}):e===c.NO_MUTED_PREF&&r!==i&&((v=E(this,D))==null||v.dispatch({type:"optionschangerequest",detail:{noMutedPref:this.hasAttribute(c.NO_MUTED_PREF)}}))}connectedCallback(){var e,i,r;this.associateElement(this),!E(this,D)&&!this.hasAttribute(c.NO_DEFAULT_STORE)&&He(this,Er,Ba).call(this),(e=E(this,D))==null||e.dispatch({type:"documentelementchangerequest",detail:W}),(i=E(this,D))==null||i.dispatch({type:"fullscreenelementchangerequest",detail:this.fullscreenElement}),super.connectedCallback(),E(this,D)&&!E(this,ge)&&me(this,ge,(r=E(this,D))==null?void 0:r.subscribe(E(this,oi))),E(this,si)!==void 0&&E(this,D)&&this.media&&setTimeout(()=>{var a,s,l;(s=(a=this.media)==null?void 0:a.textTracks)!=null&&s.length&&((l=E(this,D))==null||l.dispatch({type:m.MEDIA_TOGGLE_SUBTITLES_REQUEST,detail:E(this,si)}))},0),this.hasAttribute(c.NO_HOTKEYS)?this.disableHotkeys():this.enableHotkeys()}disconnectedCallback(){var e,i,r,a,s,l;if((e=super.disconnectedCallback)==null||e.call(this),this.disableHotkeys(),E(this,D)){let d=E(this,D).getState();me(this,si,!!((i=d.mediaSubtitlesShowing)!=null&&i.length)),(r=E(this,D))==null||r.dispatch({type:"fullscreenelementchangerequest",detail:void 0}),(a=E(this,D))==null||a.dispatch({type:"documentelementchangerequest",detail:void 0}),(s=E(this,D))==null||s.dispatch({type:m.MEDIA_TOGGLE_SUBTITLES_REQUEST,detail:!1})}E(this,ge)&&((l=E(this,ge))==null||l.call(this),me(this,ge,void 0)),this.unassociateElement(this),E(this,ae)&&(E(this,ae).remove(),me(this,ae,null))}mediaSetCallback(e){var i;super.mediaSetCallback(e),(i=E(this,D))==null||i.dispatch({type:"mediaelementchangerequest",detail:e}),e.hasAttribute("tabindex")||(e.tabIndex=-1)}mediaUnsetCallback(e){var i;super.mediaUnsetCallback(e),(i=E(this,D))==null||i.dispatch({type:"mediaelementchangerequest",detail:void 0})}propagateMediaState(e,i){qs(this.mediaStateReceivers,e,i)}associateElement(e){if(!e)return;let{associatedElementSubscriptions:i}=this;if(i.has(e))return;let r=this.registerMediaStateReceiver.bind(this),a=this.unregisterMediaStateReceiver.bind(this),s=Wl(e,r,a);Object.values(m).forEach(l=>{e.addEventListener(l,E(this,pr))}),i.set(e,s)}unassociateElement(e){if(!e)return;let{associatedElementSubscriptions:i}=this;if(!i.has(e))return;i.get(e)(),i.delete(e),Object.values(m).forEach(a=>{e.removeEventListener(a,E(this,pr))})}registerMediaStateReceiver(e){if(!e)return;let i=this.mediaStateReceivers;i.indexOf(e)>-1||(i.push(e),E(this,D)&&Object.entries(E(this,D).getState()).forEach(([a,s])=>{qs([e],a,s)}))}unregisterMediaStateReceiver(e){let i=this.mediaStateReceivers,r=i.indexOf(e);r<0||i.splice(r,1)}enableHotkeys(){this.addEventListener("keydown",He(this,vr,Ha))}disableHotkeys(){this.removeEventListener("keydown",He(this,vr,Ha)),this.removeEventListener("keyup",E(this,ot))}get hotkeys(){return E(this,Ue)}set hotkeys(e){y(this,c.HOTKEYS,e)}keyboardShortcutHandler(e){var i,r,a,s,l,d,u,k,I;let T=e.target;if(((a=(r=(i=T.getAttribute(c.KEYS_USED))==null?void 0:i.split(" "))!=null?r:T?.keysUsed)!=null?a:[]).map(S=>S==="Space"?" ":S).filter(Boolean).includes(e.key))return;let p,A,v;if(!(E(this,Ue).contains(nr(e.key))||e.shiftKey&&(e.key==="/"||e.key==="?")&&E(this,Ue).contains("noshift+/")))switch(e.key){case" ":case"k":p=E(this,D).getState().mediaPaused?m.MEDIA_PLAY_REQUEST:m.MEDIA_PAUSE_REQUEST,this.dispatchEvent(new n.CustomEvent(p,{composed:!0,bubbles:!0}));break;case"m":p=this.mediaStore.getState().mediaVolumeLevel==="off"?m.MEDIA_UNMUTE_REQUEST:m.MEDIA_MUTE_REQUEST,this.dispatchEvent(new n.CustomEvent(p,{composed:!0,bubbles:!0}));break;case"f":p=this.mediaStore.getState().mediaIsFullscreen?m.MEDIA_EXIT_FULLSCREEN_REQUEST:m.MEDIA_ENTER_FULLSCREEN_REQUEST,this.dispatchEvent(new n.CustomEvent(p,{composed:!0,bubbles:!0}));break;case"c":this.dispatchEvent(new n.CustomEvent(m.MEDIA_TOGGLE_SUBTITLES_REQUEST,{composed:!0,bubbles:!0}));break;case"ArrowLeft":case"j":{let S=this.hasAttribute(c.KEYBOARD_BACKWARD_SEEK_OFFSET)?+this.getAttribute(c.KEYBOARD_BACKWARD_SEEK_OFFSET):$s;A=Math.max(((s=this.mediaStore.getState().mediaCurrentTime)!=null?s:0)-S,0),v=new n.CustomEvent(m.MEDIA_SEEK_REQUEST,{composed:!0,bubbles:!0,detail:A}),this.dispatchEvent(v);break}case"ArrowRight":case"l":{let S=this.hasAttribute(c.KEYBOARD_FORWARD_SEEK_OFFSET)?+this.getAttribute(c.KEYBOARD_FORWARD_SEEK_OFFSET):$s;A=Math.max(((l=this.mediaStore.getState().mediaCurrentTime)!=null?l:0)+S,0),v=new n.CustomEvent(m.MEDIA_SEEK_REQUEST,{composed:!0,bubbles:!0,detail:A}),this.dispatchEvent(v);break}case"ArrowUp":{let S=this.hasAttribute(c.KEYBOARD_UP_VOLUME_STEP)?+this.getAttribute(c.KEYBOARD_UP_VOLUME_STEP):Ws;A=Math.min(((d=this.mediaStore.getState().mediaVolume)!=null?d:1)+S,1),v=new n.CustomEvent(m.MEDIA_VOLUME_REQUEST,{composed:!0,bubbles:!0,detail:A}),this.dispatchEvent(v);break}case"ArrowDown":{let S=this.hasAttribute(c.KEYBOARD_DOWN_VOLUME_STEP)?+this.getAttribute(c.KEYBOARD_DOWN_VOLUME_STEP):Ws;A=Math.max(((u=this.mediaStore.getState().mediaVolume)!=null?u:1)-S,0),v=new n.CustomEvent(m.MEDIA_VOLUME_REQUEST,{composed:!0,bubbles:!0,detail:A}),this.dispatchEvent(v);break}case"<":{let S=(k=this.mediaStore.getState().mediaPlaybackRate)!=null?k:1;A=Math.max(S-Vs,xl).toFixed(2),v=new n.CustomEvent(m.MEDIA_PLAYBACK_RATE_REQUEST,{composed:!0,bubbles:!0,detail:A}),this.dispatchEvent(v);break}case">":{let S=(I=this.mediaStore.getState().mediaPlaybackRate)!=null?I:1;A=Math.min(S+Vs,Pl).toFixed(2),v=new n.CustomEvent(m.MEDIA_PLAYBACK_RATE_REQUEST,{composed:!0,bubbles:!0,detail:A}),this.dispatchEvent(v);break}case"/":case"?":{e.shiftKey&&He(this,$a,Ys).call(this);break}case"p":{p=this.mediaStore.getState().mediaIsPip?m.MEDIA_EXIT_PIP_REQUEST:m.MEDIA_ENTER_PIP_REQUEST,v=new n.CustomEvent(p,{composed:!0,bubbles:!0}),this.dispatchEvent(v);break}default:break}}};Ue=new WeakMap;ai=new WeakMap;D=new WeakMap;ae=new WeakMap;oi=new WeakMap;ge=new WeakMap;pr=new WeakMap;si=new WeakMap;Er=new WeakSet;Ba=function(){var t;this.mediaStore=Hs({media:this.media,fullscreenElement:this.fullscreenElement,options:{defaultSubtitles:this.hasAttribute(c.DEFAULT_SUBTITLES),defaultDuration:this.hasAttribute(c.DEFAULT_DURATION)?+this.getAttribute(c.DEFAULT_DURATION):void 0,defaultStreamType:(t=this.getAttribute(c.DEFAULT_STREAM_TYPE))!=null?t:void 0,liveEdgeOffset:this.hasAttribute(c.LIVE_EDGE_OFFSET)?+this.getAttribute(c.LIVE_EDGE_OFFSET):void 0,seekToLiveOffset:this.hasAttribute(c.SEEK_TO_LIVE_OFFSET)?+this.getAttribute(c.SEEK_TO_LIVE_OFFSET):this.hasAttribute(c.LIVE_EDGE_OFFSET)?+this.getAttribute(c.LIVE_EDGE_OFFSET):void 0,noAutoSeekToLive:this.hasAttribute(c.NO_AUTO_SEEK_TO_LIVE),noVolumePref:this.hasAttribute(c.NO_VOLUME_PREF),noMutedPref:this.hasAttribute(c.NO_MUTED_PREF),noSubtitlesLangPref:this.hasAttribute(c.NO_SUBTITLES_LANG_PREF)}})};ot=new WeakMap;vr=new WeakSet;Ha=function(t){var e;let{metaKey:i,altKey:r,key:a,shiftKey:s}=t,l=s&&(a==="/"||a==="?");if(l&&((e=E(this,ae))!=null&&e.open)){this.removeEventListener("keyup",E(this,ot));return}if(i||r||!l&&!Qs.includes(a)){this.removeEventListener("keyup",E(this,ot));return}let d=t.target,u=d instanceof HTMLElement&&(d.tagName.toLowerCase()==="media-volume-range"||d.tagName.toLowerCase()==="media-time-range");[" ","ArrowLeft","ArrowRight","ArrowUp","ArrowDown"].includes(a)&&!E(this,Ue).contains(nr(a))&&!u&&t.preventDefault(),this.addEventListener("keyup",E(this,ot),{once:!0})};ni=new WeakSet;fr=function(){E(this,ae)&&(E(this,ae).hotkeys=E(this,Ue).value||void 0,(this.noHotkeys||E(this,Ue).contains("noshift+/"))&&(E(this,ae).open=!1))};$a=new WeakSet;Ys=function(){E(this,ae)||(me(this,ae,W.createElement("media-keyboard-shortcuts-dialog")),He(this,ni,fr).call(this),this.appendChild(E(this,ae))),E(this,ae).open=!0};var Nl=Object.values(o),Fl=Object.values(Ea),zs=t=>{var e,i,r,a;let{observedAttributes:s}=t.constructor;!s&&((e=t.nodeName)!=null&&e.includes("-"))&&(n.customElements.upgrade(t),{observedAttributes:s}=t.constructor);let l=(a=(r=(i=t?.getAttribute)==null?void 0:i.call(t,M.MEDIA_CHROME_ATTRIBUTES))==null?void 0:r.split)==null?void 0:a.call(r,/\s+/);return Array.isArray(s||l)?(s||l).filter(d=>Nl.includes(d)):[]},Bl=t=>{var e,i;return(e=t.nodeName)!=null&&e.includes("-")&&n.customElements.get((i=t.nodeName)==null?void 0:i.toLowerCase())&&!(t instanceof n.customElements.get(t.nodeName.toLowerCase()))&&n.customElements.upgrade(t),Fl.some(r=>r in t)},Va=t=>Bl(t)||!!zs(t).length,Ks=t=>{var e;return(e=t?.join)==null?void 0:e.call(t,":")},Gs={[o.MEDIA_SUBTITLES_LIST]:ii,[o.MEDIA_SUBTITLES_SHOWING]:ii,[o.MEDIA_SEEKABLE]:Ks,[o.MEDIA_BUFFERED]:t=>t?.map(Ks).join(" "),[o.MEDIA_PREVIEW_COORDS]:t=>t?.join(" "),[o.MEDIA_RENDITION_LIST]:is,[o.MEDIA_AUDIO_TRACK_LIST]:rs},Hl=async(t,e,i)=>{var r,a;if(t.isConnected||await $i(0),typeof i=="boolean"||i==null)return g(t,e,i);if(typeof i=="number")return U(t,e,i);if(typeof i=="string")return y(t,e,i);if(Array.isArray(i)&&!i.length)return t.removeAttribute(e);let s=(a=(r=Gs[e])==null?void 0:r.call(Gs,i))!=null?a:i;return t.setAttribute(e,s)},$l=t=>{var e;return!!((e=t.closest)!=null&&e.call(t,'*[slot="media"]'))},at=(t,e)=>{if($l(t))return;let i=(a,s)=>{var l,d;Va(a)&&s(a);let{children:u=[]}=a??{},k=(d=(l=a?.shadowRoot)==null?void 0:l.children)!=null?d:[];[...u,...k].forEach(T=>at(T,s))},r=t?.nodeName.toLowerCase();if(r.includes("-")&&!Va(t)){n.customElements.whenDefined(r).then(()=>{i(t,e)});return}i(t,e)},qs=(t,e,i)=>{t.forEach(r=>{if(e in r){r[e]=i;return}let a=zs(r),s=e.toLowerCase();a.includes(s)&&Hl(r,s,i)})},Wl=(t,e,i)=>{at(t,e);let r=I=>{var T;let f=(T=I?.composedPath()[0])!=null?T:I.target;e(f)},a=I=>{var T;let f=(T=I?.composedPath()[0])!=null?T:I.target;i(f)};t.addEventListener(m.REGISTER_MEDIA_STATE_RECEIVER,r),t.addEventListener(m.UNREGISTER_MEDIA_STATE_RECEIVER,a);let s=I=>{I.forEach(T=>{let{addedNodes:f=[],removedNodes:p=[],type:A,target:v,attributeName:w}=T;A==="childList"?(Array.prototype.forEach.call(f,S=>at(S,e)),Array.prototype.forEach.call(p,S=>at(S,i))):A==="attributes"&&w===M.MEDIA_CHROME_ATTRIBUTES&&(Va(v)?e(v):i(v))})},l=[],d=I=>{let T=I.target;T.name!=="media"&&(l.forEach(f=>at(f,i)),l=[...T.assignedElements({flatten:!0})],l.forEach(f=>at(f,e)))};t.addEventListener("slotchange",d);let u=new MutationObserver(s);return u.observe(t,{childList:!0,attributes:!0,subtree:!0}),()=>{at(t,i),t.removeEventListener("slotchange",d),u.disconnect(),t.removeEventListener(m.REGISTER_MEDIA_STATE_RECEIVER,r),t.removeEventListener(m.UNREGISTER_MEDIA_STATE_RECEIVER,a)}};n.customElements.get("media-controller")||n.customElements.define("media-controller",Wa);var Lt={PLACEMENT:"placement",BOUNDS:"bounds"};function Vl(t){return`
    <style>
      :host {
        --_tooltip-background-color: var(--media-tooltip-background-color, var(--media-secondary-color, rgba(20, 20, 30, .7)));
        --_tooltip-background: var(--media-tooltip-background, var(--_tooltip-background-color));
        --_tooltip-arrow-half-width: calc(var(--media-tooltip-arrow-width, 12px) / 2);
        --_tooltip-arrow-height: var(--media-tooltip-arrow-height, 5px);
        --_tooltip-arrow-background: var(--media-tooltip-arrow-color, var(--_tooltip-background-color));
        position: relative;
        pointer-events: none;
        display: var(--media-tooltip-display, inline-flex);
        justify-content: center;
        align-items: center;
        box-sizing: border-box;
        z-index: var(--media-tooltip-z-index, 1);
        background: var(--_tooltip-background);
        color: var(--media-text-color, var(--media-primary-color, rgb(238 238 238)));
        font: var(--media-font,
          var(--media-font-weight, 400)
          var(--media-font-size, 13px) /
          var(--media-text-content-height, var(--media-control-height, 18px))
          var(--media-font-family, helvetica neue, segoe ui, roboto, arial, sans-serif));
        padding: var(--media-tooltip-padding, .35em .7em);
        border: var(--media-tooltip-border, none);
        border-radius: var(--media-tooltip-border-radius, 5px);
        filter: var(--media-tooltip-filter, drop-shadow(0 0 4px rgba(0, 0, 0, .2)));
        white-space: var(--media-tooltip-white-space, nowrap);
      }

      :host([hidden]) {
        display: none;
      }

      img, svg {
        display: inline-block;
      }

      #arrow {
        position: absolute;
        width: 0px;
        height: 0px;
        border-style: solid;
        display: var(--media-tooltip-arrow-display, block);
      }

      :host(:not([placement])),
      :host([placement="top"]) {
        position: absolute;
        bottom: calc(100% + var(--media-tooltip-distance, 12px));
        left: 50%;
        transform: translate(calc(-50% - var(--media-tooltip-offset-x, 0px)), 0);
      }
      :host(:not([placement])) #arrow,
      :host([placement="top"]) #arrow {
        top: 100%;
        left: 50%;
        border-width: var(--_tooltip-arrow-height) var(--_tooltip-arrow-half-width) 0 var(--_tooltip-arrow-half-width);
        border-color: var(--_tooltip-arrow-background) transparent transparent transparent;
        transform: translate(calc(-50% + var(--media-tooltip-offset-x, 0px)), 0);
      }

      :host([placement="right"]) {
        position: absolute;
        left: calc(100% + var(--media-tooltip-distance, 12px));
        top: 50%;
        transform: translate(0, -50%);
      }
      :host([placement="right"]) #arrow {
        top: 50%;
        right: 100%;
        border-width: var(--_tooltip-arrow-half-width) var(--_tooltip-arrow-height) var(--_tooltip-arrow-half-width) 0;
        border-color: transparent var(--_tooltip-arrow-background) transparent transparent;
        transform: translate(0, -50%);
      }

      :host([placement="bottom"]) {
        position: absolute;
        top: calc(100% + var(--media-tooltip-distance, 12px));
        left: 50%;
        transform: translate(calc(-50% - var(--media-tooltip-offset-x, 0px)), 0);
      }
      :host([placement="bottom"]) #arrow {
        bottom: 100%;
        left: 50%;
        border-width: 0 var(--_tooltip-arrow-half-width) var(--_tooltip-arrow-height) var(--_tooltip-arrow-half-width);
        border-color: transparent transparent var(--_tooltip-arrow-background) transparent;
        transform: translate(calc(-50% + var(--media-tooltip-offset-x, 0px)), 0);
      }

      :host([placement="left"]) {
        position: absolute;
        right: calc(100% + var(--media-tooltip-distance, 12px));
        top: 50%;
        transform: translate(0, -50%);
      }
      :host([placement="left"]) #arrow {
        top: 50%;
        left: 100%;
        border-width: var(--_tooltip-arrow-half-width) 0 var(--_tooltip-arrow-half-width) var(--_tooltip-arrow-height);
        border-color: transparent transparent transparent var(--_tooltip-arrow-background);
        transform: translate(0, -50%);
      }
      
      :host([placement="none"]) #arrow {
        display: none;
      }
    </style>
    <slot></slot>
    <div id="arrow"></div>
  `}var wt=class extends n.HTMLElement{constructor(){if(super(),this.updateXOffset=()=>{var e;if(!Zi(this,{checkOpacity:!1,checkVisibilityCSS:!1}))return;let i=this.placement;if(i==="left"||i==="right"){this.style.removeProperty("--media-tooltip-offset-x");return}let r=getComputedStyle(this),a=(e=Pe(this,"#"+this.bounds))!=null?e:cs(this);if(!a)return;let{x:s,width:l}=a.getBoundingClientRect(),{x:d,width:u}=this.getBoundingClientRect(),k=d+u,I=s+l,T=r.getPropertyValue("--media-tooltip-offset-x"),f=T?parseFloat(T.replace("px","")):0,p=r.getPropertyValue("--media-tooltip-container-margin"),A=p?parseFloat(p.replace("px","")):0,v=d-s+f-A,w=k-I+f+A;if(v<0){this.style.setProperty("--media-tooltip-offset-x",`${v}px`);return}if(w>0){this.style.setProperty("--media-tooltip-offset-x",`${w}px`);return}this.style.removeProperty("--media-tooltip-offset-x")},!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(e)}if(this.arrowEl=this.shadowRoot.querySelector("#arrow"),Object.prototype.hasOwnProperty.call(this,"placement")){let e=this.placement;delete this.placement,this.placement=e}}static get observedAttributes(){return[Lt.PLACEMENT,Lt.BOUNDS]}get placement(){return L(this,Lt.PLACEMENT)}set placement(e){y(this,Lt.PLACEMENT,e)}get bounds(){return L(this,Lt.BOUNDS)}set bounds(e){y(this,Lt.BOUNDS,e)}};wt.shadowRootOptions={mode:"open"};wt.getTemplateHTML=Vl;n.customElements.get("media-tooltip")||n.customElements.define("media-tooltip",wt);var _r=wt;var Ya=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},V=(t,e,i)=>(Ya(t,e,"read from private field"),i?i.call(t):e.get(t)),st=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},gr=(t,e,i,r)=>(Ya(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Zs=(t,e,i)=>(Ya(t,e,"access private method"),i),be,Ct,Ga,Xs,We,Dt,br,qa,Js,$e={TOOLTIP_PLACEMENT:"tooltipplacement",DISABLED:"disabled",NO_TOOLTIP:"notooltip"};function Kl(t,e={}){return`
    <style>
      :host {
        position: relative;
        font: var(--media-font,
          var(--media-font-weight, bold)
          var(--media-font-size, 14px) /
          var(--media-text-content-height, var(--media-control-height, 24px))
          var(--media-font-family, helvetica neue, segoe ui, roboto, arial, sans-serif));
        color: var(--media-text-color, var(--media-primary-color, rgb(238 238 238)));
        background: var(--media-control-background, var(--media-secondary-color, rgb(20 20 30 / .7)));
        padding: var(--media-button-padding, var(--media-control-padding, 10px));
        justify-content: var(--media-button-justify-content, center);
        display: inline-flex;
        align-items: center;
        vertical-align: middle;
        box-sizing: border-box;
        transition: background .15s linear;
        pointer-events: auto;
        cursor: var(--media-cursor, pointer);
        -webkit-tap-highlight-color: transparent;
      }

      
      :host(:focus-visible) {
        box-shadow: var(--media-focus-box-shadow, inset 0 0 0 2px rgb(27 127 204 / .9));
        outline: 0;
      }
      
      :host(:where(:focus)) {
        box-shadow: none;
        outline: 0;
      }

      :host(:hover) {
        background: var(--media-control-hover-background, rgba(50 50 70 / .7));
      }

      slot[name="icon"] {
        display: inline-flex;
        align-items: center;
      }

      svg, img, ::slotted(svg), ::slotted(img) {
        width: var(--media-button-icon-width);
        height: var(--media-button-icon-height, var(--media-control-height, 24px));
        transform: var(--media-button-icon-transform);
        transition: var(--media-button-icon-transition);
        fill: var(--media-icon-color, var(--media-primary-color, rgb(238 238 238)));
        vertical-align: middle;
        max-width: 100%;
        max-height: 100%;
        min-width: 100%;
      }

      media-tooltip {
        
        max-width: 0;
        overflow-x: clip;
        opacity: 0;
        transition: opacity .3s, max-width 0s 9s;
      }

      :host(:hover) media-tooltip,
      :host(:focus-visible) media-tooltip {
        max-width: 100vw;
        opacity: 1;
        transition: opacity .3s;
      }

      :host([notooltip]) slot[name="tooltip"] {
        display: none;
      }
    </style>

    ${this.getSlotTemplateHTML(t,e)}

    <slot name="tooltip">
      <media-tooltip part="tooltip" aria-hidden="true">
        <template shadowrootmode="${_r.shadowRootOptions.mode}">
          ${_r.getTemplateHTML({})}
        </template>
        <slot name="tooltip-content">
          ${this.getTooltipContentHTML(t)}
        </slot>
      </media-tooltip>
    </slot>
  `}function Gl(t,e){return`
    <slot></slot>
  `}function ql(){return""}var R=class extends n.HTMLElement{constructor(){if(super(),st(this,Ga),st(this,qa),st(this,be,void 0),this.preventClick=!1,this.tooltipEl=null,st(this,Ct,e=>{this.preventClick||this.handleClick(e),setTimeout(V(this,We),0)}),st(this,We,()=>{var e,i;(i=(e=this.tooltipEl)==null?void 0:e.updateXOffset)==null||i.call(e)}),st(this,Dt,e=>{let{key:i}=e;if(!this.keysUsed.includes(i)){this.removeEventListener("keyup",V(this,Dt));return}this.preventClick||this.handleClick(e)}),st(this,br,e=>{let{metaKey:i,altKey:r,key:a}=e;if(i||r||!this.keysUsed.includes(a)){this.removeEventListener("keyup",V(this,Dt));return}this.addEventListener("keyup",V(this,Dt),{once:!0})}),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes),i=this.constructor.getTemplateHTML(e);this.shadowRoot.setHTMLUnsafe?this.shadowRoot.setHTMLUnsafe(i):this.shadowRoot.innerHTML=i}this.tooltipEl=this.shadowRoot.querySelector("media-tooltip")}static get observedAttributes(){return["disabled",$e.TOOLTIP_PLACEMENT,M.MEDIA_CONTROLLER,o.MEDIA_LANG]}enable(){this.addEventListener("click",V(this,Ct)),this.addEventListener("keydown",V(this,br)),this.tabIndex=0}disable(){this.removeEventListener("click",V(this,Ct)),this.removeEventListener("keydown",V(this,br)),this.removeEventListener("keyup",V(this,Dt)),this.tabIndex=-1}attributeChangedCallback(e,i,r){var a,s,l,d,u;e===M.MEDIA_CONTROLLER?(i&&((s=(a=V(this,be))==null?void 0:a.unassociateElement)==null||s.call(a,this),gr(this,be,null)),r&&this.isConnected&&(gr(this,be,(l=this.getRootNode())==null?void 0:l.getElementById(r)),(u=(d=V(this,be))==null?void 0:d.associateElement)==null||u.call(d,this))):e==="disabled"&&r!==i?r==null?this.enable():this.disable():e===$e.TOOLTIP_PLACEMENT&&this.tooltipEl&&r!==i?this.tooltipEl.placement=r:e===o.MEDIA_LANG&&(this.shadowRoot.querySelector('slot[name="tooltip-content"]').innerHTML=this.constructor.getTooltipContentHTML()),Zs(this,Ga,Xs).call(this)&&V(this,We).call(this)}connectedCallback(){var e,i,r;let{style:a}=x(this.shadowRoot,":host");a.setProperty("display",`var(--media-control-display, var(--${this.localName}-display, inline-flex))`),this.hasAttribute("disabled")?this.disable():this.enable(),this.setAttribute("role","button");let s=this.getAttribute(M.MEDIA_CONTROLLER);s&&(gr(this,be,(e=this.getRootNode())==null?void 0:e.getElementById(s)),(r=(i=V(this,be))==null?void 0:i.associateElement)==null||r.call(i,this)),n.customElements.whenDefined("media-tooltip").then(()=>Zs(this,qa,Js).call(this))}disconnectedCallback(){var e,i;this.disable(),(i=(e=V(this,be))==null?void 0:e.unassociateElement)==null||i.call(e,this),gr(this,be,null),this.removeEventListener("mouseenter",V(this,We)),this.removeEventListener("focus",V(this,We)),this.removeEventListener("click",V(this,Ct))}get keysUsed(){return["Enter"," "]}get tooltipPlacement(){return L(this,$e.TOOLTIP_PLACEMENT)}set tooltipPlacement(e){y(this,$e.TOOLTIP_PLACEMENT,e)}get mediaController(){return L(this,M.MEDIA_CONTROLLER)}set mediaController(e){y(this,M.MEDIA_CONTROLLER,e)}get disabled(){return _(this,$e.DISABLED)}set disabled(e){g(this,$e.DISABLED,e)}get noTooltip(){return _(this,$e.NO_TOOLTIP)}set noTooltip(e){g(this,$e.NO_TOOLTIP,e)}handleClick(e){}};be=new WeakMap;Ct=new WeakMap;Ga=new WeakSet;Xs=function(){try{return this.matches(":hover, :focus-visible")}catch{return this.matches(":hover, :focus")}};We=new WeakMap;Dt=new WeakMap;br=new WeakMap;qa=new WeakSet;Js=function(){this.addEventListener("mouseenter",V(this,We)),this.addEventListener("focus",V(this,We)),this.addEventListener("click",V(this,Ct));let t=this.tooltipPlacement;t&&this.tooltipEl&&(this.tooltipEl.placement=t)};R.shadowRootOptions={mode:"open"};R.getTemplateHTML=Kl;R.getSlotTemplateHTML=Gl;R.getTooltipContentHTML=ql;n.customElements.get("media-chrome-button")||n.customElements.define("media-chrome-button",R);var js=`<svg aria-hidden="true" viewBox="0 0 26 24">
  <path d="M22.13 3H3.87a.87.87 0 0 0-.87.87v13.26a.87.87 0 0 0 .87.87h3.4L9 16H5V5h16v11h-4l1.72 2h3.4a.87.87 0 0 0 .87-.87V3.87a.87.87 0 0 0-.86-.87Zm-8.75 11.44a.5.5 0 0 0-.76 0l-4.91 5.73a.5.5 0 0 0 .38.83h9.82a.501.501 0 0 0 .38-.83l-4.91-5.73Z"/>
</svg>
`;function Yl(t){return`
    <style>
      :host([${o.MEDIA_IS_AIRPLAYING}]) slot[name=icon] slot:not([name=exit]) {
        display: none !important;
      }

      
      :host(:not([${o.MEDIA_IS_AIRPLAYING}])) slot[name=icon] slot:not([name=enter]) {
        display: none !important;
      }

      :host([${o.MEDIA_IS_AIRPLAYING}]) slot[name=tooltip-enter],
      :host(:not([${o.MEDIA_IS_AIRPLAYING}])) slot[name=tooltip-exit] {
        display: none;
      }
    </style>

    <slot name="icon">
      <slot name="enter">${js}</slot>
      <slot name="exit">${js}</slot>
    </slot>
  `}function Ql(){return`
    <slot name="tooltip-enter">${h("start airplay")}</slot>
    <slot name="tooltip-exit">${h("stop airplay")}</slot>
  `}var en=t=>{let e=t.mediaIsAirplaying?h("stop airplay"):h("start airplay");t.setAttribute("aria-label",e)},li=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_IS_AIRPLAYING,o.MEDIA_AIRPLAY_UNAVAILABLE]}connectedCallback(){super.connectedCallback(),en(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_IS_AIRPLAYING&&en(this)}get mediaIsAirplaying(){return _(this,o.MEDIA_IS_AIRPLAYING)}set mediaIsAirplaying(e){g(this,o.MEDIA_IS_AIRPLAYING,e)}get mediaAirplayUnavailable(){return L(this,o.MEDIA_AIRPLAY_UNAVAILABLE)}set mediaAirplayUnavailable(e){y(this,o.MEDIA_AIRPLAY_UNAVAILABLE,e)}handleClick(){let e=new n.CustomEvent(m.MEDIA_AIRPLAY_REQUEST,{composed:!0,bubbles:!0});this.dispatchEvent(e)}};li.getSlotTemplateHTML=Yl;li.getTooltipContentHTML=Ql;n.customElements.get("media-airplay-button")||n.customElements.define("media-airplay-button",li);var zl=`<svg aria-hidden="true" viewBox="0 0 26 24">
  <path d="M22.83 5.68a2.58 2.58 0 0 0-2.3-2.5c-3.62-.24-11.44-.24-15.06 0a2.58 2.58 0 0 0-2.3 2.5c-.23 4.21-.23 8.43 0 12.64a2.58 2.58 0 0 0 2.3 2.5c3.62.24 11.44.24 15.06 0a2.58 2.58 0 0 0 2.3-2.5c.23-4.21.23-8.43 0-12.64Zm-11.39 9.45a3.07 3.07 0 0 1-1.91.57 3.06 3.06 0 0 1-2.34-1 3.75 3.75 0 0 1-.92-2.67 3.92 3.92 0 0 1 .92-2.77 3.18 3.18 0 0 1 2.43-1 2.94 2.94 0 0 1 2.13.78c.364.359.62.813.74 1.31l-1.43.35a1.49 1.49 0 0 0-1.51-1.17 1.61 1.61 0 0 0-1.29.58 2.79 2.79 0 0 0-.5 1.89 3 3 0 0 0 .49 1.93 1.61 1.61 0 0 0 1.27.58 1.48 1.48 0 0 0 1-.37 2.1 2.1 0 0 0 .59-1.14l1.4.44a3.23 3.23 0 0 1-1.07 1.69Zm7.22 0a3.07 3.07 0 0 1-1.91.57 3.06 3.06 0 0 1-2.34-1 3.75 3.75 0 0 1-.92-2.67 3.88 3.88 0 0 1 .93-2.77 3.14 3.14 0 0 1 2.42-1 3 3 0 0 1 2.16.82 2.8 2.8 0 0 1 .73 1.31l-1.43.35a1.49 1.49 0 0 0-1.51-1.21 1.61 1.61 0 0 0-1.29.58A2.79 2.79 0 0 0 15 12a3 3 0 0 0 .49 1.93 1.61 1.61 0 0 0 1.27.58 1.44 1.44 0 0 0 1-.37 2.1 2.1 0 0 0 .6-1.15l1.4.44a3.17 3.17 0 0 1-1.1 1.7Z"/>
</svg>`,Zl=`<svg aria-hidden="true" viewBox="0 0 26 24">
  <path d="M17.73 14.09a1.4 1.4 0 0 1-1 .37 1.579 1.579 0 0 1-1.27-.58A3 3 0 0 1 15 12a2.8 2.8 0 0 1 .5-1.85 1.63 1.63 0 0 1 1.29-.57 1.47 1.47 0 0 1 1.51 1.2l1.43-.34A2.89 2.89 0 0 0 19 9.07a3 3 0 0 0-2.14-.78 3.14 3.14 0 0 0-2.42 1 3.91 3.91 0 0 0-.93 2.78 3.74 3.74 0 0 0 .92 2.66 3.07 3.07 0 0 0 2.34 1 3.07 3.07 0 0 0 1.91-.57 3.17 3.17 0 0 0 1.07-1.74l-1.4-.45c-.083.43-.3.822-.62 1.12Zm-7.22 0a1.43 1.43 0 0 1-1 .37 1.58 1.58 0 0 1-1.27-.58A3 3 0 0 1 7.76 12a2.8 2.8 0 0 1 .5-1.85 1.63 1.63 0 0 1 1.29-.57 1.47 1.47 0 0 1 1.51 1.2l1.43-.34a2.81 2.81 0 0 0-.74-1.32 2.94 2.94 0 0 0-2.13-.78 3.18 3.18 0 0 0-2.43 1 4 4 0 0 0-.92 2.78 3.74 3.74 0 0 0 .92 2.66 3.07 3.07 0 0 0 2.34 1 3.07 3.07 0 0 0 1.91-.57 3.23 3.23 0 0 0 1.07-1.74l-1.4-.45a2.06 2.06 0 0 1-.6 1.07Zm12.32-8.41a2.59 2.59 0 0 0-2.3-2.51C18.72 3.05 15.86 3 13 3c-2.86 0-5.72.05-7.53.17a2.59 2.59 0 0 0-2.3 2.51c-.23 4.207-.23 8.423 0 12.63a2.57 2.57 0 0 0 2.3 2.5c1.81.13 4.67.19 7.53.19 2.86 0 5.72-.06 7.53-.19a2.57 2.57 0 0 0 2.3-2.5c.23-4.207.23-8.423 0-12.63Zm-1.49 12.53a1.11 1.11 0 0 1-.91 1.11c-1.67.11-4.45.18-7.43.18-2.98 0-5.76-.07-7.43-.18a1.11 1.11 0 0 1-.91-1.11c-.21-4.14-.21-8.29 0-12.43a1.11 1.11 0 0 1 .91-1.11C7.24 4.56 10 4.49 13 4.49s5.76.07 7.43.18a1.11 1.11 0 0 1 .91 1.11c.21 4.14.21 8.29 0 12.43Z"/>
</svg>`;function Xl(t){return`
    <style>
      :host([aria-checked="true"]) slot[name=off] {
        display: none !important;
      }

      
      :host(:not([aria-checked="true"])) slot[name=on] {
        display: none !important;
      }

      :host([aria-checked="true"]) slot[name=tooltip-enable],
      :host(:not([aria-checked="true"])) slot[name=tooltip-disable] {
        display: none;
      }
    </style>

    <slot name="icon">
      <slot name="on">${zl}</slot>
      <slot name="off">${Zl}</slot>
    </slot>
  `}function Jl(){return`
    <slot name="tooltip-enable">${h("Enable captions")}</slot>
    <slot name="tooltip-disable">${h("Disable captions")}</slot>
  `}var tn=t=>{t.setAttribute("aria-checked",Ms(t).toString())},di=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_SUBTITLES_LIST,o.MEDIA_SUBTITLES_SHOWING]}connectedCallback(){super.connectedCallback(),this.setAttribute("role","button"),this.setAttribute("aria-label",h("closed captions")),tn(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_SUBTITLES_SHOWING&&tn(this)}get mediaSubtitlesList(){return rn(this,o.MEDIA_SUBTITLES_LIST)}set mediaSubtitlesList(e){an(this,o.MEDIA_SUBTITLES_LIST,e)}get mediaSubtitlesShowing(){return rn(this,o.MEDIA_SUBTITLES_SHOWING)}set mediaSubtitlesShowing(e){an(this,o.MEDIA_SUBTITLES_SHOWING,e)}handleClick(){this.dispatchEvent(new n.CustomEvent(m.MEDIA_TOGGLE_SUBTITLES_REQUEST,{composed:!0,bubbles:!0}))}};di.getSlotTemplateHTML=Xl;di.getTooltipContentHTML=Jl;var rn=(t,e)=>{let i=t.getAttribute(e);return i?Oa(i):[]},an=(t,e,i)=>{if(!i?.length){t.removeAttribute(e);return}let r=ii(i);t.getAttribute(e)!==r&&t.setAttribute(e,r)};n.customElements.get("media-captions-button")||n.customElements.define("media-captions-button",di);var jl='<svg aria-hidden="true" viewBox="0 0 24 24"><g><path class="cast_caf_icon_arch0" d="M1,18 L1,21 L4,21 C4,19.3 2.66,18 1,18 L1,18 Z"/><path class="cast_caf_icon_arch1" d="M1,14 L1,16 C3.76,16 6,18.2 6,21 L8,21 C8,17.13 4.87,14 1,14 L1,14 Z"/><path class="cast_caf_icon_arch2" d="M1,10 L1,12 C5.97,12 10,16.0 10,21 L12,21 C12,14.92 7.07,10 1,10 L1,10 Z"/><path class="cast_caf_icon_box" d="M21,3 L3,3 C1.9,3 1,3.9 1,5 L1,8 L3,8 L3,5 L21,5 L21,19 L14,19 L14,21 L21,21 C22.1,21 23,20.1 23,19 L23,5 C23,3.9 22.1,3 21,3 L21,3 Z"/></g></svg>',ed='<svg aria-hidden="true" viewBox="0 0 24 24"><g><path class="cast_caf_icon_arch0" d="M1,18 L1,21 L4,21 C4,19.3 2.66,18 1,18 L1,18 Z"/><path class="cast_caf_icon_arch1" d="M1,14 L1,16 C3.76,16 6,18.2 6,21 L8,21 C8,17.13 4.87,14 1,14 L1,14 Z"/><path class="cast_caf_icon_arch2" d="M1,10 L1,12 C5.97,12 10,16.0 10,21 L12,21 C12,14.92 7.07,10 1,10 L1,10 Z"/><path class="cast_caf_icon_box" d="M21,3 L3,3 C1.9,3 1,3.9 1,5 L1,8 L3,8 L3,5 L21,5 L21,19 L14,19 L14,21 L21,21 C22.1,21 23,20.1 23,19 L23,5 C23,3.9 22.1,3 21,3 L21,3 Z"/><path class="cast_caf_icon_boxfill" d="M5,7 L5,8.63 C8,8.6 13.37,14 13.37,17 L19,17 L19,7 Z"/></g></svg>';function td(t){return`
    <style>
      :host([${o.MEDIA_IS_CASTING}]) slot[name=icon] slot:not([name=exit]) {
        display: none !important;
      }

      
      :host(:not([${o.MEDIA_IS_CASTING}])) slot[name=icon] slot:not([name=enter]) {
        display: none !important;
      }

      :host([${o.MEDIA_IS_CASTING}]) slot[name=tooltip-enter],
      :host(:not([${o.MEDIA_IS_CASTING}])) slot[name=tooltip-exit] {
        display: none;
      }
    </style>

    <slot name="icon">
      <slot name="enter">${jl}</slot>
      <slot name="exit">${ed}</slot>
    </slot>
  `}function id(){return`
    <slot name="tooltip-enter">${h("Start casting")}</slot>
    <slot name="tooltip-exit">${h("Stop casting")}</slot>
  `}var on=t=>{let e=t.mediaIsCasting?h("stop casting"):h("start casting");t.setAttribute("aria-label",e)},ui=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_IS_CASTING,o.MEDIA_CAST_UNAVAILABLE]}connectedCallback(){super.connectedCallback(),on(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_IS_CASTING&&on(this)}get mediaIsCasting(){return _(this,o.MEDIA_IS_CASTING)}set mediaIsCasting(e){g(this,o.MEDIA_IS_CASTING,e)}get mediaCastUnavailable(){return L(this,o.MEDIA_CAST_UNAVAILABLE)}set mediaCastUnavailable(e){y(this,o.MEDIA_CAST_UNAVAILABLE,e)}handleClick(){let e=this.mediaIsCasting?m.MEDIA_EXIT_CAST_REQUEST:m.MEDIA_ENTER_CAST_REQUEST;this.dispatchEvent(new n.CustomEvent(e,{composed:!0,bubbles:!0}))}};ui.getSlotTemplateHTML=td;ui.getTooltipContentHTML=id;n.customElements.get("media-cast-button")||n.customElements.define("media-cast-button",ui);var eo=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},F=(t,e,i)=>(eo(t,e,"read from private field"),i?i.call(t):e.get(t)),z=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Ve=(t,e,i,r)=>(eo(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),pe=(t,e,i)=>(eo(t,e,"access private method"),i),Ae,Dr,Ar,Tr,Ee,Lr,Sr,Ir,yr,to,sn,kr,Qa,Mr,za,wr,io,Za,nn,Xa,ln,Ja,dn,ja,un;function rd(t){return`
    <style>
      :host {
        --_focus-box-shadow: var(--media-focus-box-shadow, inset 0 0 0 2px rgb(27 127 204 / .9));
        --_media-range-padding: var(--media-range-padding, var(--media-control-padding, 10px));

        box-shadow: var(--_focus-visible-box-shadow, none);
        background: var(--media-control-background, var(--media-secondary-color, rgb(20 20 30 / .7)));
        height: calc(var(--media-control-height, 24px) + 2 * var(--_media-range-padding));
        display: inline-flex;
        align-items: center;
        
        vertical-align: middle;
        box-sizing: border-box;
        position: relative;
        width: 100px;
        transition: background .15s linear;
        cursor: var(--media-cursor, pointer);
        pointer-events: auto;
        touch-action: none; 
      }

      
      input[type=range]:focus {
        outline: 0;
      }
      input[type=range]:focus::-webkit-slider-runnable-track {
        outline: 0;
      }

      :host(:hover) {
        background: var(--media-control-hover-background, rgb(50 50 70 / .7));
      }

      #leftgap {
        padding-left: var(--media-range-padding-left, var(--_media-range-padding));
      }

      #rightgap {
        padding-right: var(--media-range-padding-right, var(--_media-range-padding));
      }

      #startpoint,
      #endpoint {
        position: absolute;
      }

      #endpoint {
        right: 0;
      }

      #container {
        
        width: var(--media-range-track-width, 100%);
        transform: translate(var(--media-range-track-translate-x, 0px), var(--media-range-track-translate-y, 0px));
        position: relative;
        height: 100%;
        display: flex;
        align-items: center;
        min-width: 40px;
      }

      #range {
        
        display: var(--media-time-range-hover-display, block);
        bottom: var(--media-time-range-hover-bottom, 0);
        height: var(--media-time-range-hover-height, max(100% , 25px));
        width: 100%;
        position: absolute;
        cursor: var(--media-cursor, pointer);

        -webkit-appearance: none; 
        -webkit-tap-highlight-color: transparent;
        background: transparent; 
        margin: 0;
        z-index: 1;
      }

      @media (hover: hover) {
        #range {
          bottom: var(--media-time-range-hover-bottom, 0);
          height: var(--media-time-range-hover-height, max(100%, 20px));
        }
      }

      
      
      #range::-webkit-slider-thumb {
        -webkit-appearance: none;
        background: transparent;
        width: .1px;
        height: .1px;
      }

      
      #range::-moz-range-thumb {
        background: transparent;
        border: transparent;
        width: .1px;
        height: .1px;
      }

      #appearance {
        height: var(--media-range-track-height, 4px);
        display: flex;
        flex-direction: column;
        justify-content: center;
        width: 100%;
        position: absolute;
        
        will-change: transform;
      }

      #track {
        background: var(--media-range-track-background, rgb(255 255 255 / .2));
        border-radius: var(--media-range-track-border-radius, 1px);
        border: var(--media-range-track-border, none);
        outline: var(--media-range-track-outline);
        outline-offset: var(--media-range-track-outline-offset);
        backdrop-filter: var(--media-range-track-backdrop-filter);
        -webkit-backdrop-filter: var(--media-range-track-backdrop-filter);
        box-shadow: var(--media-range-track-box-shadow, none);
        position: absolute;
        width: 100%;
        height: 100%;
        overflow: hidden;
      }

      #progress,
      #pointer {
        position: absolute;
        height: 100%;
        will-change: width;
      }

      #progress {
        background: var(--media-range-bar-color, var(--media-primary-color, rgb(238 238 238)));
        transition: var(--media-range-track-transition);
      }

      #pointer {
        background: var(--media-range-track-pointer-background);
        border-right: var(--media-range-track-pointer-border-right);
        transition: visibility .25s, opacity .25s;
        visibility: hidden;
        opacity: 0;
      }

      @media (hover: hover) {
        :host(:hover) #pointer {
          transition: visibility .5s, opacity .5s;
          visibility: visible;
          opacity: 1;
        }
      }

      #thumb,
      ::slotted([slot=thumb]) {
        width: var(--media-range-thumb-width, 10px);
        height: var(--media-range-thumb-height, 10px);
        transition: var(--media-range-thumb-transition);
        transform: var(--media-range-thumb-transform, none);
        opacity: var(--media-range-thumb-opacity, 1);
        translate: -50%;
        position: absolute;
        left: 0;
        cursor: var(--media-cursor, pointer);
      }

      #thumb {
        border-radius: var(--media-range-thumb-border-radius, 10px);
        background: var(--media-range-thumb-background, var(--media-primary-color, rgb(238 238 238)));
        box-shadow: var(--media-range-thumb-box-shadow, 1px 1px 1px transparent);
        border: var(--media-range-thumb-border, none);
      }

      :host([disabled]) #thumb {
        background-color: #777;
      }

      .segments #appearance {
        height: var(--media-range-segment-hover-height, 7px);
      }

      #track {
        clip-path: url(#segments-clipping);
      }

      #segments {
        --segments-gap: var(--media-range-segments-gap, 2px);
        position: absolute;
        width: 100%;
        height: 100%;
      }

      #segments-clipping {
        transform: translateX(calc(var(--segments-gap) / 2));
      }

      #segments-clipping:empty {
        display: none;
      }

      #segments-clipping rect {
        height: var(--media-range-track-height, 4px);
        y: calc((var(--media-range-segment-hover-height, 7px) - var(--media-range-track-height, 4px)) / 2);
        transition: var(--media-range-segment-transition, transform .1s ease-in-out);
        transform: var(--media-range-segment-transform, scaleY(1));
        transform-origin: center;
      }

      /* Visible label for accessibility - positioned off-screen but technically visible (Firefox requires visible labels) */
      #range-label {
        position: absolute;
        left: -10000px;
        background: var(--media-control-background, var(--media-secondary-color, rgb(20 20 30 / .7)));
        pointer-events: none;
      }
    </style>
    <div id="leftgap"></div>
    <div id="container">
      <div id="startpoint"></div>
      <div id="endpoint"></div>
      <div id="appearance">
        <div id="track" part="track">
          <div id="pointer"></div>
          <div id="progress" part="progress"></div>
        </div>
        <slot name="thumb">
          <div id="thumb" part="thumb"></div>
        </slot>
        <svg id="segments" aria-hidden="true"><clipPath id="segments-clipping"></clipPath></svg>
      </div>
        <input id="range" type="range" min="0" max="1" step="any" value="0">
        <label for="range" id="range-label"></label>

      ${this.getContainerTemplateHTML(t)}
    </div>
    <div id="rightgap"></div>
  `}function ad(t){return""}var Te=class extends n.HTMLElement{constructor(){if(super(),z(this,to),z(this,kr),z(this,Mr),z(this,wr),z(this,Za),z(this,Xa),z(this,Ja),z(this,ja),z(this,Ae,void 0),z(this,Dr,void 0),z(this,Ar,void 0),z(this,Tr,void 0),z(this,Ee,{}),z(this,Lr,[]),z(this,Sr,()=>{if(this.range.matches(":focus-visible")){let{style:e}=x(this.shadowRoot,":host");e.setProperty("--_focus-visible-box-shadow","var(--_focus-box-shadow)")}}),z(this,Ir,()=>{let{style:e}=x(this.shadowRoot,":host");e.removeProperty("--_focus-visible-box-shadow")}),z(this,yr,()=>{let e=this.shadowRoot.querySelector("#segments-clipping");e&&e.parentNode.append(e)}),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes),i=this.constructor.getTemplateHTML(e);this.shadowRoot.setHTMLUnsafe?this.shadowRoot.setHTMLUnsafe(i):this.shadowRoot.innerHTML=i}this.container=this.shadowRoot.querySelector("#container"),Ve(this,Ar,this.shadowRoot.querySelector("#startpoint")),Ve(this,Tr,this.shadowRoot.querySelector("#endpoint")),this.range=this.shadowRoot.querySelector("#range"),this.appearance=this.shadowRoot.querySelector("#appearance")}static get observedAttributes(){return["disabled","aria-disabled",M.MEDIA_CONTROLLER]}attributeChangedCallback(e,i,r){var a,s,l,d,u;e===M.MEDIA_CONTROLLER?(i&&((s=(a=F(this,Ae))==null?void 0:a.unassociateElement)==null||s.call(a,this),Ve(this,Ae,null)),r&&this.isConnected&&(Ve(this,Ae,(l=this.getRootNode())==null?void 0:l.getElementById(r)),(u=(d=F(this,Ae))==null?void 0:d.associateElement)==null||u.call(d,this))):(e==="disabled"||e==="aria-disabled"&&i!==r)&&(r==null?(this.range.removeAttribute(e),pe(this,kr,Qa).call(this)):(this.range.setAttribute(e,r),pe(this,Mr,za).call(this)))}connectedCallback(){var e,i,r;let{style:a}=x(this.shadowRoot,":host");a.setProperty("display",`var(--media-control-display, var(--${this.localName}-display, inline-flex))`),F(this,Ee).pointer=x(this.shadowRoot,"#pointer"),F(this,Ee).progress=x(this.shadowRoot,"#progress"),F(this,Ee).thumb=x(this.shadowRoot,'#thumb, ::slotted([slot="thumb"])'),F(this,Ee).activeSegment=x(this.shadowRoot,"#segments-clipping rect:nth-child(0)");let s=this.getAttribute(M.MEDIA_CONTROLLER);s&&(Ve(this,Ae,(e=this.getRootNode())==null?void 0:e.getElementById(s)),(r=(i=F(this,Ae))==null?void 0:i.associateElement)==null||r.call(i,this)),this.updateBar(),this.shadowRoot.addEventListener("focusin",F(this,Sr)),this.shadowRoot.addEventListener("focusout",F(this,Ir)),pe(this,kr,Qa).call(this),qi(this.container,F(this,yr))}disconnectedCallback(){var e,i;pe(this,Mr,za).call(this),(i=(e=F(this,Ae))==null?void 0:e.unassociateElement)==null||i.call(e,this),Ve(this,Ae,null),this.shadowRoot.removeEventListener("focusin",F(this,Sr)),this.shadowRoot.removeEventListener("focusout",F(this,Ir)),Yi(this.container,F(this,yr))}updatePointerBar(e){var i;(i=F(this,Ee).pointer)==null||i.style.setProperty("width",`${this.getPointerRatio(e)*100}%`)}updateBar(){var e,i;let r=this.range.valueAsNumber*100;(e=F(this,Ee).progress)==null||e.style.setProperty("width",`${r}%`),(i=F(this,Ee).thumb)==null||i.style.setProperty("left",`${r}%`)}updateSegments(e){let i=this.shadowRoot.querySelector("#segments-clipping");if(i.textContent="",this.container.classList.toggle("segments",!!e?.length),!e?.length)return;let r=[...new Set([+this.range.min,...e.flatMap(s=>[s.start,s.end]),+this.range.max])];Ve(this,Lr,[...r]);let a=r.pop();for(let[s,l]of r.entries()){let[d,u]=[s===0,s===r.length-1],k=d?"calc(var(--segments-gap) / -1)":`${l*100}%`,T=`calc(${((u?a:r[s+1])-l)*100}%${d||u?"":" - var(--segments-gap)"})`,f=W.createElementNS("http://www.w3.org/2000/svg","rect"),p=ga(this.shadowRoot,`#segments-clipping rect:nth-child(${s+1})`);p.style.setProperty("x",k),p.style.setProperty("width",T),i.append(f)}}getPointerRatio(e){return hs(e.clientX,e.clientY,F(this,Ar).getBoundingClientRect(),F(this,Tr).getBoundingClientRect())}get dragging(){return this.hasAttribute("dragging")}handleEvent(e){switch(e.type){case"pointermove":pe(this,ja,un).call(this,e);break;case"input":this.updateBar();break;case"pointerenter":pe(this,Za,nn).call(this,e);break;case"pointerdown":pe(this,wr,io).call(this,e);break;case"pointerup":pe(this,Xa,ln).call(this);break;case"pointerleave":pe(this,Ja,dn).call(this);break}}get keysUsed(){return["ArrowUp","ArrowRight","ArrowDown","ArrowLeft"]}};Ae=new WeakMap;Dr=new WeakMap;Ar=new WeakMap;Tr=new WeakMap;Ee=new WeakMap;Lr=new WeakMap;Sr=new WeakMap;Ir=new WeakMap;yr=new WeakMap;to=new WeakSet;sn=function(t){let e=F(this,Ee).activeSegment;if(!e)return;let i=this.getPointerRatio(t),a=`#segments-clipping rect:nth-child(${F(this,Lr).findIndex((s,l,d)=>{let u=d[l+1];return u!=null&&i>=s&&i<=u})+1})`;(e.selectorText!=a||!e.style.transform)&&(e.selectorText=a,e.style.setProperty("transform","var(--media-range-segment-hover-transform, scaleY(2))"))};kr=new WeakSet;Qa=function(){this.hasAttribute("disabled")||!this.isConnected||(this.addEventListener("input",this),this.addEventListener("pointerdown",this),this.addEventListener("pointerenter",this))};Mr=new WeakSet;za=function(){var t,e;this.removeEventListener("input",this),this.removeEventListener("pointerdown",this),this.removeEventListener("pointerenter",this),this.removeEventListener("pointerleave",this),(t=n.window)==null||t.removeEventListener("pointerup",this),(e=n.window)==null||e.removeEventListener("pointermove",this)};wr=new WeakSet;io=function(t){var e;Ve(this,Dr,t.composedPath().includes(this.range)),(e=n.window)==null||e.addEventListener("pointerup",this,{once:!0})};Za=new WeakSet;nn=function(t){var e;t.pointerType!=="mouse"&&pe(this,wr,io).call(this,t),this.addEventListener("pointerleave",this,{once:!0}),(e=n.window)==null||e.addEventListener("pointermove",this)};Xa=new WeakSet;ln=function(){var t;(t=n.window)==null||t.removeEventListener("pointerup",this),this.toggleAttribute("dragging",!1),this.range.disabled=this.hasAttribute("disabled")};Ja=new WeakSet;dn=function(){var t,e;this.removeEventListener("pointerleave",this),(t=n.window)==null||t.removeEventListener("pointermove",this),this.toggleAttribute("dragging",!1),this.range.disabled=this.hasAttribute("disabled"),(e=F(this,Ee).activeSegment)==null||e.style.removeProperty("transform")};ja=new WeakSet;un=function(t){t.pointerType==="pen"&&t.buttons===0||(this.toggleAttribute("dragging",t.buttons===1||t.pointerType!=="mouse"),this.updatePointerBar(t),pe(this,to,sn).call(this,t),this.dragging&&(t.pointerType!=="mouse"||!F(this,Dr))&&(this.range.disabled=!0,this.range.valueAsNumber=this.getPointerRatio(t),this.range.dispatchEvent(new Event("input",{bubbles:!0,composed:!0}))))};Te.shadowRootOptions={mode:"open"};Te.getTemplateHTML=rd;Te.getContainerTemplateHTML=ad;n.customElements.get("media-chrome-range")||n.customElements.define("media-chrome-range",Te);var cn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Cr=(t,e,i)=>(cn(t,e,"read from private field"),i?i.call(t):e.get(t)),od=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Rr=(t,e,i,r)=>(cn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Se;function sd(t){return`
    <style>
      :host {
        
        box-sizing: border-box;
        display: var(--media-control-display, var(--media-control-bar-display, inline-flex));
        color: var(--media-text-color, var(--media-primary-color, rgb(238 238 238)));
        --media-loading-indicator-icon-height: 44px;
      }

      ::slotted(media-time-range),
      ::slotted(media-volume-range) {
        min-height: 100%;
      }

      ::slotted(media-time-range),
      ::slotted(media-clip-selector) {
        flex-grow: 1;
      }

      ::slotted([role="menu"]) {
        position: absolute;
      }
    </style>

    <slot></slot>
  `}var ci=class extends n.HTMLElement{constructor(){if(super(),od(this,Se,void 0),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(e)}}static get observedAttributes(){return[M.MEDIA_CONTROLLER]}attributeChangedCallback(e,i,r){var a,s,l,d,u;e===M.MEDIA_CONTROLLER&&(i&&((s=(a=Cr(this,Se))==null?void 0:a.unassociateElement)==null||s.call(a,this),Rr(this,Se,null)),r&&this.isConnected&&(Rr(this,Se,(l=this.getRootNode())==null?void 0:l.getElementById(r)),(u=(d=Cr(this,Se))==null?void 0:d.associateElement)==null||u.call(d,this)))}connectedCallback(){var e,i,r;let a=this.getAttribute(M.MEDIA_CONTROLLER);a&&(Rr(this,Se,(e=this.getRootNode())==null?void 0:e.getElementById(a)),(r=(i=Cr(this,Se))==null?void 0:i.associateElement)==null||r.call(i,this))}disconnectedCallback(){var e,i;(i=(e=Cr(this,Se))==null?void 0:e.unassociateElement)==null||i.call(e,this),Rr(this,Se,null)}};Se=new WeakMap;ci.shadowRootOptions={mode:"open"};ci.getTemplateHTML=sd;n.customElements.get("media-control-bar")||n.customElements.define("media-control-bar",ci);var hn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Or=(t,e,i)=>(hn(t,e,"read from private field"),i?i.call(t):e.get(t)),nd=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Ur=(t,e,i,r)=>(hn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Ie;function ld(t,e={}){return`
    <style>
      :host {
        font: var(--media-font,
          var(--media-font-weight, normal)
          var(--media-font-size, 14px) /
          var(--media-text-content-height, var(--media-control-height, 24px))
          var(--media-font-family, helvetica neue, segoe ui, roboto, arial, sans-serif));
        color: var(--media-text-color, var(--media-primary-color, rgb(238 238 238)));
        background: var(--media-text-background, var(--media-control-background, var(--media-secondary-color, rgb(20 20 30 / .7))));
        padding: var(--media-control-padding, 10px);
        display: inline-flex;
        justify-content: center;
        align-items: center;
        vertical-align: middle;
        box-sizing: border-box;
        text-align: center;
        pointer-events: auto;
      }

      
      :host(:focus-visible) {
        box-shadow: var(--media-focus-box-shadow, inset 0 0 0 2px rgb(27 127 204 / .9));
        outline: 0;
      }

      
      :host(:where(:focus)) {
        box-shadow: none;
        outline: 0;
      }
    </style>

    ${this.getSlotTemplateHTML(t,e)}
  `}function dd(t,e){return`
    <slot></slot>
  `}var ee=class extends n.HTMLElement{constructor(){if(super(),nd(this,Ie,void 0),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(e)}}static get observedAttributes(){return[M.MEDIA_CONTROLLER]}attributeChangedCallback(e,i,r){var a,s,l,d,u;e===M.MEDIA_CONTROLLER&&(i&&((s=(a=Or(this,Ie))==null?void 0:a.unassociateElement)==null||s.call(a,this),Ur(this,Ie,null)),r&&this.isConnected&&(Ur(this,Ie,(l=this.getRootNode())==null?void 0:l.getElementById(r)),(u=(d=Or(this,Ie))==null?void 0:d.associateElement)==null||u.call(d,this)))}connectedCallback(){var e,i,r;let{style:a}=x(this.shadowRoot,":host");a.setProperty("display",`var(--media-control-display, var(--${this.localName}-display, inline-flex))`);let s=this.getAttribute(M.MEDIA_CONTROLLER);s&&(Ur(this,Ie,(e=this.getRootNode())==null?void 0:e.getElementById(s)),(r=(i=Or(this,Ie))==null?void 0:i.associateElement)==null||r.call(i,this))}disconnectedCallback(){var e,i;(i=(e=Or(this,Ie))==null?void 0:e.unassociateElement)==null||i.call(e,this),Ur(this,Ie,null)}};Ie=new WeakMap;ee.shadowRootOptions={mode:"open"};ee.getTemplateHTML=ld;ee.getSlotTemplateHTML=dd;n.customElements.get("media-text-display")||n.customElements.define("media-text-display",ee);var pn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},mn=(t,e,i)=>(pn(t,e,"read from private field"),i?i.call(t):e.get(t)),ud=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},cd=(t,e,i,r)=>(pn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),hi;function hd(t,e){return`
    <slot>${de(e.mediaDuration)}</slot>
  `}var xr=class extends ee{constructor(){var e;super(),ud(this,hi,void 0),cd(this,hi,this.shadowRoot.querySelector("slot")),mn(this,hi).textContent=de((e=this.mediaDuration)!=null?e:0)}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_DURATION]}attributeChangedCallback(e,i,r){e===o.MEDIA_DURATION&&(mn(this,hi).textContent=de(+r)),super.attributeChangedCallback(e,i,r)}get mediaDuration(){return C(this,o.MEDIA_DURATION)}set mediaDuration(e){U(this,o.MEDIA_DURATION,e)}};hi=new WeakMap;xr.getSlotTemplateHTML=hd;n.customElements.get("media-duration-display")||n.customElements.define("media-duration-display",xr);var md={2:h("Network Error"),3:h("Decode Error"),4:h("Source Not Supported"),5:h("Encryption Error")},pd={2:h("A network error caused the media download to fail."),3:h("A media error caused playback to be aborted. The media could be corrupt or your browser does not support this format."),4:h("An unsupported error occurred. The server or network failed, or your browser does not support this format."),5:h("The media is encrypted and there are no keys to decrypt it.")},Pr=t=>{var e,i;return t.code===1?null:{title:(e=md[t.code])!=null?e:`Error ${t.code}`,message:(i=pd[t.code])!=null?i:t.message}};var vn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Ed=(t,e,i)=>(vn(t,e,"read from private field"),i?i.call(t):e.get(t)),vd=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},fd=(t,e,i,r)=>(vn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Nr;function _d(t){let e=+t.mediaerrorcode;return`
    <style>
      :host {
        background: rgb(20 20 30 / .8);
      }

      #content {
        display: block;
        padding: 1.2em 1.5em;
      }

      h3,
      p {
        margin-block: 0 .3em;
      }
    </style>
    <slot name="error-${e}" id="content">
      ${fn({code:e,message:t.mediaerrormessage})}
    </slot>
  `}function gd(t){return t.code&&Pr(t)!==null}function fn(t){var e;let{title:i,message:r}=(e=Pr(t))!=null?e:{},a=Wi(t.code),s="";return i&&(s+=`<slot name="error-${a}-title"><h3>${Wi(i)}</h3></slot>`),r&&(s+=`<slot name="error-${a}-message"><p>${Wi(r)}</p></slot>`),s}var En=[o.MEDIA_ERROR_CODE,o.MEDIA_ERROR_MESSAGE],mi=class extends _e{constructor(){super(...arguments),vd(this,Nr,null)}static get observedAttributes(){return[...super.observedAttributes,...En]}formatErrorMessage(e){return this.constructor.formatErrorMessage(e)}attributeChangedCallback(e,i,r){var a;if(super.attributeChangedCallback(e,i,r),!En.includes(e))return;let s=(a=this.mediaError)!=null?a:{code:this.mediaErrorCode,message:this.mediaErrorMessage};if(this.open=gd(s),this.open&&(this.shadowRoot.querySelector("slot").name=`error-${this.mediaErrorCode}`,this.shadowRoot.querySelector("#content").innerHTML=this.formatErrorMessage(s),!this.hasAttribute("aria-label"))){let{title:l}=Pr(s);l&&this.setAttribute("aria-label",l)}}get mediaError(){return Ed(this,Nr)}set mediaError(e){fd(this,Nr,e)}get mediaErrorCode(){return C(this,"mediaerrorcode")}set mediaErrorCode(e){U(this,"mediaerrorcode",e)}get mediaErrorMessage(){return L(this,"mediaerrormessage")}set mediaErrorMessage(e){y(this,"mediaerrormessage",e)}};Nr=new WeakMap;mi.getSlotTemplateHTML=_d;mi.formatErrorMessage=fn;n.customElements.get("media-error-dialog")||n.customElements.define("media-error-dialog",mi);var gn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},bd=(t,e,i)=>(gn(t,e,"read from private field"),i?i.call(t):e.get(t)),Ad=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Td=(t,e,i,r)=>(gn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Fr,Sd=`<svg aria-hidden="true" viewBox="0 0 26 24">
  <path d="M16 3v2.5h3.5V9H22V3h-6ZM4 9h2.5V5.5H10V3H4v6Zm15.5 9.5H16V21h6v-6h-2.5v3.5ZM6.5 15H4v6h6v-2.5H6.5V15Z"/>
</svg>`,Id=`<svg aria-hidden="true" viewBox="0 0 26 24">
  <path d="M18.5 6.5V3H16v6h6V6.5h-3.5ZM16 21h2.5v-3.5H22V15h-6v6ZM4 17.5h3.5V21H10v-6H4v2.5Zm3.5-11H4V9h6V3H7.5v3.5Z"/>
</svg>`;function yd(t){return`
    <style>
      :host([${o.MEDIA_IS_FULLSCREEN}]) slot[name=icon] slot:not([name=exit]) {
        display: none !important;
      }

      
      :host(:not([${o.MEDIA_IS_FULLSCREEN}])) slot[name=icon] slot:not([name=enter]) {
        display: none !important;
      }

      :host([${o.MEDIA_IS_FULLSCREEN}]) slot[name=tooltip-enter],
      :host(:not([${o.MEDIA_IS_FULLSCREEN}])) slot[name=tooltip-exit] {
        display: none;
      }
    </style>

    <slot name="icon">
      <slot name="enter">${Sd}</slot>
      <slot name="exit">${Id}</slot>
    </slot>
  `}function kd(){return`
    <slot name="tooltip-enter">${h("Enter fullscreen mode")}</slot>
    <slot name="tooltip-exit">${h("Exit fullscreen mode")}</slot>
  `}var _n=t=>{let e=t.mediaIsFullscreen?h("exit fullscreen mode"):h("enter fullscreen mode");t.setAttribute("aria-label",e)},pi=class extends R{constructor(){super(...arguments),Ad(this,Fr,null)}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_IS_FULLSCREEN,o.MEDIA_FULLSCREEN_UNAVAILABLE]}connectedCallback(){super.connectedCallback(),_n(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_IS_FULLSCREEN&&_n(this)}get mediaFullscreenUnavailable(){return L(this,o.MEDIA_FULLSCREEN_UNAVAILABLE)}set mediaFullscreenUnavailable(e){y(this,o.MEDIA_FULLSCREEN_UNAVAILABLE,e)}get mediaIsFullscreen(){return _(this,o.MEDIA_IS_FULLSCREEN)}set mediaIsFullscreen(e){g(this,o.MEDIA_IS_FULLSCREEN,e)}handleClick(e){Td(this,Fr,e);let i=bd(this,Fr)instanceof PointerEvent,r=this.mediaIsFullscreen?new n.CustomEvent(m.MEDIA_EXIT_FULLSCREEN_REQUEST,{composed:!0,bubbles:!0}):new n.CustomEvent(m.MEDIA_ENTER_FULLSCREEN_REQUEST,{composed:!0,bubbles:!0,detail:i});this.dispatchEvent(r)}};Fr=new WeakMap;pi.getSlotTemplateHTML=yd;pi.getTooltipContentHTML=kd;n.customElements.get("media-fullscreen-button")||n.customElements.define("media-fullscreen-button",pi);var{MEDIA_TIME_IS_LIVE:Br,MEDIA_PAUSED:Ei}=o,{MEDIA_SEEK_TO_LIVE_REQUEST:Md,MEDIA_PLAY_REQUEST:Ld}=m,wd='<svg viewBox="0 0 6 12" aria-hidden="true"><circle cx="3" cy="6" r="2"></circle></svg>';function Dd(t){return`
    <style>
      :host { --media-tooltip-display: none; }
      
      slot[name=indicator] > *,
      :host ::slotted([slot=indicator]) {
        
        min-width: auto;
        fill: var(--media-live-button-icon-color, rgb(140, 140, 140));
        color: var(--media-live-button-icon-color, rgb(140, 140, 140));
      }

      :host([${Br}]:not([${Ei}])) slot[name=indicator] > *,
      :host([${Br}]:not([${Ei}])) ::slotted([slot=indicator]) {
        fill: var(--media-live-button-indicator-color, rgb(255, 0, 0));
        color: var(--media-live-button-indicator-color, rgb(255, 0, 0));
      }

      :host([${Br}]:not([${Ei}])) {
        cursor: var(--media-cursor, not-allowed);
      }

      slot[name=text]{
        text-transform: uppercase;
      }

    </style>

    <slot name="indicator">${wd}</slot>
    
    <slot name="spacer">&nbsp;</slot><slot name="text">${h("live")}</slot>
  `}var bn=t=>{var e;let i=t.mediaPaused||!t.mediaTimeIsLive,r=i?h("seek to live"):h("playing live");t.setAttribute("aria-label",r);let a=(e=t.shadowRoot)==null?void 0:e.querySelector('slot[name="text"]');a&&(a.textContent=h("live")),i?t.removeAttribute("aria-disabled"):t.setAttribute("aria-disabled","true")},Hr=class extends R{static get observedAttributes(){return[...super.observedAttributes,Br,Ei]}connectedCallback(){super.connectedCallback(),bn(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),bn(this)}get mediaPaused(){return _(this,o.MEDIA_PAUSED)}set mediaPaused(e){g(this,o.MEDIA_PAUSED,e)}get mediaTimeIsLive(){return _(this,o.MEDIA_TIME_IS_LIVE)}set mediaTimeIsLive(e){g(this,o.MEDIA_TIME_IS_LIVE,e)}handleClick(){!this.mediaPaused&&this.mediaTimeIsLive||(this.dispatchEvent(new n.CustomEvent(Md,{composed:!0,bubbles:!0})),this.hasAttribute(Ei)&&this.dispatchEvent(new n.CustomEvent(Ld,{composed:!0,bubbles:!0})))}};Hr.getSlotTemplateHTML=Dd;n.customElements.get("media-live-button")||n.customElements.define("media-live-button",Hr);var Tn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},vi=(t,e,i)=>(Tn(t,e,"read from private field"),i?i.call(t):e.get(t)),An=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},fi=(t,e,i,r)=>(Tn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),ye,Wr,$r={LOADING_DELAY:"loadingdelay",NO_AUTOHIDE:"noautohide"},Sn=500,Cd=`
<svg aria-hidden="true" viewBox="0 0 100 100">
  <path d="M73,50c0-12.7-10.3-23-23-23S27,37.3,27,50 M30.9,50c0-10.5,8.5-19.1,19.1-19.1S69.1,39.5,69.1,50">
    <animateTransform
       attributeName="transform"
       attributeType="XML"
       type="rotate"
       dur="1s"
       from="0 50 50"
       to="360 50 50"
       repeatCount="indefinite" />
  </path>
</svg>
`;function Rd(t){return`
    <style>
      :host {
        display: var(--media-control-display, var(--media-loading-indicator-display, inline-block));
        vertical-align: middle;
        box-sizing: border-box;
        --_loading-indicator-delay: var(--media-loading-indicator-transition-delay, ${Sn}ms);
      }

      #status {
        color: rgba(0,0,0,0);
        width: 0px;
        height: 0px;
      }

      :host slot[name=icon] > *,
      :host ::slotted([slot=icon]) {
        opacity: var(--media-loading-indicator-opacity, 0);
        transition: opacity 0.15s;
      }

      :host([${o.MEDIA_LOADING}]:not([${o.MEDIA_PAUSED}])) slot[name=icon] > *,
      :host([${o.MEDIA_LOADING}]:not([${o.MEDIA_PAUSED}])) ::slotted([slot=icon]) {
        opacity: var(--media-loading-indicator-opacity, 1);
        transition: opacity 0.15s var(--_loading-indicator-delay);
      }

      :host #status {
        visibility: var(--media-loading-indicator-opacity, hidden);
        transition: visibility 0.15s;
      }

      :host([${o.MEDIA_LOADING}]:not([${o.MEDIA_PAUSED}])) #status {
        visibility: var(--media-loading-indicator-opacity, visible);
        transition: visibility 0.15s var(--_loading-indicator-delay);
      }

      svg, img, ::slotted(svg), ::slotted(img) {
        width: var(--media-loading-indicator-icon-width);
        height: var(--media-loading-indicator-icon-height, 100px);
        fill: var(--media-icon-color, var(--media-primary-color, rgb(238 238 238)));
        vertical-align: middle;
      }
    </style>

    <slot name="icon">${Cd}</slot>
    <div id="status" role="status" aria-live="polite">${h("media loading")}</div>
  `}var _i=class extends n.HTMLElement{constructor(){if(super(),An(this,ye,void 0),An(this,Wr,Sn),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(e)}}static get observedAttributes(){return[M.MEDIA_CONTROLLER,o.MEDIA_PAUSED,o.MEDIA_LOADING,$r.LOADING_DELAY]}attributeChangedCallback(e,i,r){var a,s,l,d,u;e===$r.LOADING_DELAY&&i!==r?this.loadingDelay=Number(r):e===M.MEDIA_CONTROLLER&&(i&&((s=(a=vi(this,ye))==null?void 0:a.unassociateElement)==null||s.call(a,this),fi(this,ye,null)),r&&this.isConnected&&(fi(this,ye,(l=this.getRootNode())==null?void 0:l.getElementById(r)),(u=(d=vi(this,ye))==null?void 0:d.associateElement)==null||u.call(d,this)))}connectedCallback(){var e,i,r;let a=this.getAttribute(M.MEDIA_CONTROLLER);a&&(fi(this,ye,(e=this.getRootNode())==null?void 0:e.getElementById(a)),(r=(i=vi(this,ye))==null?void 0:i.associateElement)==null||r.call(i,this))}disconnectedCallback(){var e,i;(i=(e=vi(this,ye))==null?void 0:e.unassociateElement)==null||i.call(e,this),fi(this,ye,null)}get loadingDelay(){return vi(this,Wr)}set loadingDelay(e){fi(this,Wr,e);let{style:i}=x(this.shadowRoot,":host");i.setProperty("--_loading-indicator-delay",`var(--media-loading-indicator-transition-delay, ${e}ms)`)}get mediaPaused(){return _(this,o.MEDIA_PAUSED)}set mediaPaused(e){g(this,o.MEDIA_PAUSED,e)}get mediaLoading(){return _(this,o.MEDIA_LOADING)}set mediaLoading(e){g(this,o.MEDIA_LOADING,e)}get mediaController(){return L(this,M.MEDIA_CONTROLLER)}set mediaController(e){y(this,M.MEDIA_CONTROLLER,e)}get noAutohide(){return _(this,$r.NO_AUTOHIDE)}set noAutohide(e){g(this,$r.NO_AUTOHIDE,e)}};ye=new WeakMap;Wr=new WeakMap;_i.shadowRootOptions={mode:"open"};_i.getTemplateHTML=Rd;n.customElements.get("media-loading-indicator")||n.customElements.define("media-loading-indicator",_i);var Od=`<svg aria-hidden="true" viewBox="0 0 24 24">
  <path d="M16.5 12A4.5 4.5 0 0 0 14 8v2.18l2.45 2.45a4.22 4.22 0 0 0 .05-.63Zm2.5 0a6.84 6.84 0 0 1-.54 2.64L20 16.15A8.8 8.8 0 0 0 21 12a9 9 0 0 0-7-8.77v2.06A7 7 0 0 1 19 12ZM4.27 3 3 4.27 7.73 9H3v6h4l5 5v-6.73l4.25 4.25A6.92 6.92 0 0 1 14 18.7v2.06A9 9 0 0 0 17.69 19l2 2.05L21 19.73l-9-9L4.27 3ZM12 4 9.91 6.09 12 8.18V4Z"/>
</svg>`,In=`<svg aria-hidden="true" viewBox="0 0 24 24">
  <path d="M3 9v6h4l5 5V4L7 9H3Zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.47 4.47 0 0 0 2.5-4Z"/>
</svg>`,Ud=`<svg aria-hidden="true" viewBox="0 0 24 24">
  <path d="M3 9v6h4l5 5V4L7 9H3Zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.47 4.47 0 0 0 2.5-4ZM14 3.23v2.06a7 7 0 0 1 0 13.42v2.06a9 9 0 0 0 0-17.54Z"/>
</svg>`;function xd(t){return`
    <style>
      :host(:not([${o.MEDIA_VOLUME_LEVEL}])) slot[name=icon] slot:not([name=high]),
      :host([${o.MEDIA_VOLUME_LEVEL}=high]) slot[name=icon] slot:not([name=high]) {
        display: none !important;
      }

      :host([${o.MEDIA_VOLUME_LEVEL}=off]) slot[name=icon] slot:not([name=off]) {
        display: none !important;
      }

      :host([${o.MEDIA_VOLUME_LEVEL}=low]) slot[name=icon] slot:not([name=low]) {
        display: none !important;
      }

      :host([${o.MEDIA_VOLUME_LEVEL}=medium]) slot[name=icon] slot:not([name=medium]) {
        display: none !important;
      }

      :host(:not([${o.MEDIA_VOLUME_LEVEL}=off])) slot[name=tooltip-unmute],
      :host([${o.MEDIA_VOLUME_LEVEL}=off]) slot[name=tooltip-mute] {
        display: none;
      }
    </style>

    <slot name="icon">
      <slot name="off">${Od}</slot>
      <slot name="low">${In}</slot>
      <slot name="medium">${In}</slot>
      <slot name="high">${Ud}</slot>
    </slot>
  `}function Pd(){return`
    <slot name="tooltip-mute">${h("Mute")}</slot>
    <slot name="tooltip-unmute">${h("Unmute")}</slot>
  `}var yn=t=>{let i=t.mediaVolumeLevel==="off"?h("unmute"):h("mute");t.setAttribute("aria-label",i)},gi=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_VOLUME_LEVEL]}connectedCallback(){super.connectedCallback(),yn(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_VOLUME_LEVEL&&yn(this)}get mediaVolumeLevel(){return L(this,o.MEDIA_VOLUME_LEVEL)}set mediaVolumeLevel(e){y(this,o.MEDIA_VOLUME_LEVEL,e)}handleClick(){let e=this.mediaVolumeLevel==="off"?m.MEDIA_UNMUTE_REQUEST:m.MEDIA_MUTE_REQUEST;this.dispatchEvent(new n.CustomEvent(e,{composed:!0,bubbles:!0}))}};gi.getSlotTemplateHTML=xd;gi.getTooltipContentHTML=Pd;n.customElements.get("media-mute-button")||n.customElements.define("media-mute-button",gi);var kn=`<svg aria-hidden="true" viewBox="0 0 28 24">
  <path d="M24 3H4a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h20a1 1 0 0 0 1-1V4a1 1 0 0 0-1-1Zm-1 16H5V5h18v14Zm-3-8h-7v5h7v-5Z"/>
</svg>`;function Nd(t){return`
    <style>
      :host([${o.MEDIA_IS_PIP}]) slot[name=icon] slot:not([name=exit]) {
        display: none !important;
      }

      :host(:not([${o.MEDIA_IS_PIP}])) slot[name=icon] slot:not([name=enter]) {
        display: none !important;
      }

      :host([${o.MEDIA_IS_PIP}]) slot[name=tooltip-enter],
      :host(:not([${o.MEDIA_IS_PIP}])) slot[name=tooltip-exit] {
        display: none;
      }
    </style>

    <slot name="icon">
      <slot name="enter">${kn}</slot>
      <slot name="exit">${kn}</slot>
    </slot>
  `}function Fd(){return`
    <slot name="tooltip-enter">${h("Enter picture in picture mode")}</slot>
    <slot name="tooltip-exit">${h("Exit picture in picture mode")}</slot>
  `}var Mn=t=>{let e=t.mediaIsPip?h("exit picture in picture mode"):h("enter picture in picture mode");t.setAttribute("aria-label",e)},bi=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_IS_PIP,o.MEDIA_PIP_UNAVAILABLE]}connectedCallback(){super.connectedCallback(),Mn(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_IS_PIP&&Mn(this)}get mediaPipUnavailable(){return L(this,o.MEDIA_PIP_UNAVAILABLE)}set mediaPipUnavailable(e){y(this,o.MEDIA_PIP_UNAVAILABLE,e)}get mediaIsPip(){return _(this,o.MEDIA_IS_PIP)}set mediaIsPip(e){g(this,o.MEDIA_IS_PIP,e)}handleClick(){let e=this.mediaIsPip?m.MEDIA_EXIT_PIP_REQUEST:m.MEDIA_ENTER_PIP_REQUEST;this.dispatchEvent(new n.CustomEvent(e,{composed:!0,bubbles:!0}))}};bi.getSlotTemplateHTML=Nd;bi.getTooltipContentHTML=Fd;n.customElements.get("media-pip-button")||n.customElements.define("media-pip-button",bi);var Bd=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Rt=(t,e,i)=>(Bd(t,e,"read from private field"),i?i.call(t):e.get(t)),Hd=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Ke,ro={RATES:"rates"},$d=[1,1.2,1.5,1.7,2],Ai=1;function ao(t){return Math.round(t*100)/100}function Wd(t){return`
    <style>
      :host {
        min-width: 5ch;
        padding: var(--media-button-padding, var(--media-control-padding, 10px 5px));
      }
    </style>
    <slot name="icon">${t.mediaplaybackrate?ao(+t.mediaplaybackrate):Ai}x</slot>
  `}function Vd(){return h("Playback rate")}var Ti=class extends R{constructor(){var e;super(),Hd(this,Ke,new yt(this,ro.RATES,{defaultValue:$d})),this.container=this.shadowRoot.querySelector('slot[name="icon"]'),this.container.innerHTML=`${ao((e=this.mediaPlaybackRate)!=null?e:Ai)}x`}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_PLAYBACK_RATE,ro.RATES]}attributeChangedCallback(e,i,r){if(super.attributeChangedCallback(e,i,r),e===ro.RATES&&(Rt(this,Ke).value=r),e===o.MEDIA_PLAYBACK_RATE){let a=r?+r:Number.NaN,s=ao(Number.isNaN(a)?Ai:a);this.container.innerHTML=`${s}x`,this.setAttribute("aria-label",h("Playback rate {playbackRate}",{playbackRate:s}))}}get rates(){return Rt(this,Ke)}set rates(e){e?Array.isArray(e)?Rt(this,Ke).value=e.join(" "):typeof e=="string"&&(Rt(this,Ke).value=e):Rt(this,Ke).value=""}get mediaPlaybackRate(){return C(this,o.MEDIA_PLAYBACK_RATE,Ai)}set mediaPlaybackRate(e){U(this,o.MEDIA_PLAYBACK_RATE,e)}handleClick(){var e,i;let r=Array.from(Rt(this,Ke).values(),l=>+l).sort((l,d)=>l-d),a=(i=(e=r.find(l=>l>this.mediaPlaybackRate))!=null?e:r[0])!=null?i:Ai,s=new n.CustomEvent(m.MEDIA_PLAYBACK_RATE_REQUEST,{composed:!0,bubbles:!0,detail:a});this.dispatchEvent(s)}};Ke=new WeakMap;Ti.getSlotTemplateHTML=Wd;Ti.getTooltipContentHTML=Vd;n.customElements.get("media-playback-rate-button")||n.customElements.define("media-playback-rate-button",Ti);var Kd=`<svg aria-hidden="true" viewBox="0 0 24 24">
  <path d="m6 21 15-9L6 3v18Z"/>
</svg>`,Gd=`<svg aria-hidden="true" viewBox="0 0 24 24">
  <path d="M6 20h4V4H6v16Zm8-16v16h4V4h-4Z"/>
</svg>`;function qd(t){return`
    <style>
      :host([${o.MEDIA_PAUSED}]) slot[name=pause],
      :host(:not([${o.MEDIA_PAUSED}])) slot[name=play] {
        display: none !important;
      }

      :host([${o.MEDIA_PAUSED}]) slot[name=tooltip-pause],
      :host(:not([${o.MEDIA_PAUSED}])) slot[name=tooltip-play] {
        display: none;
      }
    </style>

    <slot name="icon">
      <slot name="play">${Kd}</slot>
      <slot name="pause">${Gd}</slot>
    </slot>
  `}function Yd(){return`
    <slot name="tooltip-play">${h("Play")}</slot>
    <slot name="tooltip-pause">${h("Pause")}</slot>
  `}var Ln=t=>{let e=t.mediaPaused?h("play"):h("pause");t.setAttribute("aria-label",e)},Si=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_PAUSED,o.MEDIA_ENDED]}connectedCallback(){super.connectedCallback(),Ln(this)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),(e===o.MEDIA_PAUSED||e===o.MEDIA_LANG)&&Ln(this)}get mediaPaused(){return _(this,o.MEDIA_PAUSED)}set mediaPaused(e){g(this,o.MEDIA_PAUSED,e)}handleClick(){let e=this.mediaPaused?m.MEDIA_PLAY_REQUEST:m.MEDIA_PAUSE_REQUEST;this.dispatchEvent(new n.CustomEvent(e,{composed:!0,bubbles:!0}))}};Si.getSlotTemplateHTML=qd;Si.getTooltipContentHTML=Yd;n.customElements.get("media-play-button")||n.customElements.define("media-play-button",Si);var ke={PLACEHOLDER_SRC:"placeholdersrc",SRC:"src"};function Qd(t){return`
    <style>
      :host {
        pointer-events: none;
        display: var(--media-poster-image-display, inline-block);
        box-sizing: border-box;
      }

      img {
        max-width: 100%;
        max-height: 100%;
        min-width: 100%;
        min-height: 100%;
        background-repeat: no-repeat;
        background-position: var(--media-poster-image-background-position, var(--media-object-position, center));
        background-size: var(--media-poster-image-background-size, var(--media-object-fit, contain));
        object-fit: var(--media-object-fit, contain);
        object-position: var(--media-object-position, center);
      }
    </style>

    <img part="poster img" aria-hidden="true" id="image"/>
  `}var zd=t=>{t.style.removeProperty("background-image")},Zd=(t,e)=>{t.style["background-image"]=`url('${e}')`},Ii=class extends n.HTMLElement{static get observedAttributes(){return[ke.PLACEHOLDER_SRC,ke.SRC]}constructor(){if(super(),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(e)}this.image=this.shadowRoot.querySelector("#image")}attributeChangedCallback(e,i,r){e===ke.SRC&&(r==null?this.image.removeAttribute(ke.SRC):this.image.setAttribute(ke.SRC,r)),e===ke.PLACEHOLDER_SRC&&(r==null?zd(this.image):Zd(this.image,r))}get placeholderSrc(){return L(this,ke.PLACEHOLDER_SRC)}set placeholderSrc(e){y(this,ke.SRC,e)}get src(){return L(this,ke.SRC)}set src(e){y(this,ke.SRC,e)}};Ii.shadowRootOptions={mode:"open"};Ii.getTemplateHTML=Qd;n.customElements.get("media-poster-image")||n.customElements.define("media-poster-image",Ii);var wn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Xd=(t,e,i)=>(wn(t,e,"read from private field"),i?i.call(t):e.get(t)),Jd=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},jd=(t,e,i,r)=>(wn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Vr,oo=class extends ee{constructor(){super(),Jd(this,Vr,void 0),jd(this,Vr,this.shadowRoot.querySelector("slot"))}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_PREVIEW_CHAPTER,o.MEDIA_LANG]}attributeChangedCallback(e,i,r){if(super.attributeChangedCallback(e,i,r),(e===o.MEDIA_PREVIEW_CHAPTER||e===o.MEDIA_LANG)&&r!==i&&r!=null)if(Xd(this,Vr).textContent=r,r!==""){let a=h("chapter: {chapterName}",{chapterName:r});this.setAttribute("aria-valuetext",a)}else this.removeAttribute("aria-valuetext")}get mediaPreviewChapter(){return L(this,o.MEDIA_PREVIEW_CHAPTER)}set mediaPreviewChapter(e){y(this,o.MEDIA_PREVIEW_CHAPTER,e)}};Vr=new WeakMap;n.customElements.get("media-preview-chapter-display")||n.customElements.define("media-preview-chapter-display",oo);var Dn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Kr=(t,e,i)=>(Dn(t,e,"read from private field"),i?i.call(t):e.get(t)),eu=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},Gr=(t,e,i,r)=>(Dn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),Me;function tu(t){return`
    <style>
      :host {
        box-sizing: border-box;
        display: var(--media-control-display, var(--media-preview-thumbnail-display, inline-block));
        overflow: hidden;
      }

      img {
        display: none;
        position: relative;
      }
    </style>
    <img crossorigin loading="eager" decoding="async">
  `}var Ot=class extends n.HTMLElement{constructor(){if(super(),eu(this,Me,void 0),!this.shadowRoot){this.attachShadow(this.constructor.shadowRootOptions);let e=B(this.attributes);this.shadowRoot.innerHTML=this.constructor.getTemplateHTML(e)}}static get observedAttributes(){return[M.MEDIA_CONTROLLER,o.MEDIA_PREVIEW_IMAGE,o.MEDIA_PREVIEW_COORDS]}connectedCallback(){var e,i,r;let a=this.getAttribute(M.MEDIA_CONTROLLER);a&&(Gr(this,Me,(e=this.getRootNode())==null?void 0:e.getElementById(a)),(r=(i=Kr(this,Me))==null?void 0:i.associateElement)==null||r.call(i,this))}disconnectedCallback(){var e,i;(i=(e=Kr(this,Me))==null?void 0:e.unassociateElement)==null||i.call(e,this),Gr(this,Me,null)}attributeChangedCallback(e,i,r){var a,s,l,d,u;[o.MEDIA_PREVIEW_IMAGE,o.MEDIA_PREVIEW_COORDS].includes(e)&&this.update(),e===M.MEDIA_CONTROLLER&&(i&&((s=(a=Kr(this,Me))==null?void 0:a.unassociateElement)==null||s.call(a,this),Gr(this,Me,null)),r&&this.isConnected&&(Gr(this,Me,(l=this.getRootNode())==null?void 0:l.getElementById(r)),(u=(d=Kr(this,Me))==null?void 0:d.associateElement)==null||u.call(d,this)))}get mediaPreviewImage(){return L(this,o.MEDIA_PREVIEW_IMAGE)}set mediaPreviewImage(e){y(this,o.MEDIA_PREVIEW_IMAGE,e)}get mediaPreviewCoords(){let e=this.getAttribute(o.MEDIA_PREVIEW_COORDS);if(e)return e.split(/\s+/).map(i=>+i)}set mediaPreviewCoords(e){if(!e){this.removeAttribute(o.MEDIA_PREVIEW_COORDS);return}this.setAttribute(o.MEDIA_PREVIEW_COORDS,e.join(" "))}update(){let e=this.mediaPreviewCoords,i=this.mediaPreviewImage;if(!(e&&i))return;let[r,a,s,l]=e,d=i.split("#")[0],u=getComputedStyle(this),{maxWidth:k,maxHeight:I,minWidth:T,minHeight:f}=u,p=u.getPropertyValue("--media-preview-thumbnail-object-fit").trim()||"contain",A,v;if(p==="fill"){let De=parseInt(k)/s,Ce=parseInt(I)/l,Gt=parseInt(T)/s,Qe=parseInt(f)/l;A=De<1?De:Math.max(De,Gt),v=Ce<1?Ce:Math.max(Ce,Qe)}else{let De=Math.min(parseInt(k)/s,parseInt(I)/l),Ce=Math.max(parseInt(T)/s,parseInt(f)/l),Qe=De<1?De:Ce>1?Ce:1;A=Qe,v=Qe}let{style:w}=x(this.shadowRoot,":host"),S=x(this.shadowRoot,"img").style,Z=this.shadowRoot.querySelector("img"),Kt=Math.min(A,v)<1?"min":"max";w.setProperty(`${Kt}-width`,"initial","important"),w.setProperty(`${Kt}-height`,"initial","important"),w.width=`${s*A}px`,w.height=`${l*v}px`;let dt=()=>{S.width=`${this.imgWidth*A}px`,S.height=`${this.imgHeight*v}px`,S.display="block"};Z.src!==d&&(Z.onload=()=>{this.imgWidth=Z.naturalWidth,this.imgHeight=Z.naturalHeight,dt(),Z.onload=null},Z.src=d,dt()),dt(),S.transform=`translate(-${r*A}px, -${a*v}px)`}};Me=new WeakMap;Ot.shadowRootOptions={mode:"open"};Ot.getTemplateHTML=tu;n.customElements.get("media-preview-thumbnail")||n.customElements.define("media-preview-thumbnail",Ot);var qr=Ot;var Rn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Cn=(t,e,i)=>(Rn(t,e,"read from private field"),i?i.call(t):e.get(t)),iu=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},ru=(t,e,i,r)=>(Rn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),yi,so=class extends ee{constructor(){super(),iu(this,yi,void 0),ru(this,yi,this.shadowRoot.querySelector("slot")),Cn(this,yi).textContent=de(0)}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_PREVIEW_TIME]}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_PREVIEW_TIME&&r!=null&&(Cn(this,yi).textContent=de(parseFloat(r)))}get mediaPreviewTime(){return C(this,o.MEDIA_PREVIEW_TIME)}set mediaPreviewTime(e){U(this,o.MEDIA_PREVIEW_TIME,e)}};yi=new WeakMap;n.customElements.get("media-preview-time-display")||n.customElements.define("media-preview-time-display",so);var Ut={SEEK_OFFSET:"seekoffset"},no=30,au=t=>`
  <svg aria-hidden="true" viewBox="0 0 20 24">
    <defs>
      <style>.text{font-size:8px;font-family:Arial-BoldMT, Arial;font-weight:700;}</style>
    </defs>
    <text class="text value" transform="translate(2.18 19.87)">${t}</text>
    <path d="M10 6V3L4.37 7 10 10.94V8a5.54 5.54 0 0 1 1.9 10.48v2.12A7.5 7.5 0 0 0 10 6Z"/>
  </svg>`;function ou(t,e){return`
    <slot name="icon">${au(e.seekOffset)}</slot>
  `}var su=(t,e)=>{t.setAttribute("aria-label",h("seek back {seekOffset} seconds",{seekOffset:e}))};function nu(){return h("Seek backward")}var lu=0,ki=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_CURRENT_TIME,Ut.SEEK_OFFSET]}connectedCallback(){super.connectedCallback(),this.seekOffset=C(this,Ut.SEEK_OFFSET,no)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),su(this,this.seekOffset),e===Ut.SEEK_OFFSET&&(this.seekOffset=C(this,Ut.SEEK_OFFSET,no))}get seekOffset(){return C(this,Ut.SEEK_OFFSET,no)}set seekOffset(e){U(this,Ut.SEEK_OFFSET,e),this.setAttribute("aria-label",h("seek back {seekOffset} seconds",{seekOffset:this.seekOffset})),Qi(zi(this,"icon"),this.seekOffset)}get mediaCurrentTime(){return C(this,o.MEDIA_CURRENT_TIME,lu)}set mediaCurrentTime(e){U(this,o.MEDIA_CURRENT_TIME,e)}handleClick(){let e=Math.max(this.mediaCurrentTime-this.seekOffset,0),i=new n.CustomEvent(m.MEDIA_SEEK_REQUEST,{composed:!0,bubbles:!0,detail:e});this.dispatchEvent(i)}};ki.getSlotTemplateHTML=ou;ki.getTooltipContentHTML=nu;n.customElements.get("media-seek-backward-button")||n.customElements.define("media-seek-backward-button",ki);var xt={SEEK_OFFSET:"seekoffset"},lo=30,du=t=>`
  <svg aria-hidden="true" viewBox="0 0 20 24">
    <defs>
      <style>.text{font-size:8px;font-family:Arial-BoldMT, Arial;font-weight:700;}</style>
    </defs>
    <text class="text value" transform="translate(8.9 19.87)">${t}</text>
    <path d="M10 6V3l5.61 4L10 10.94V8a5.54 5.54 0 0 0-1.9 10.48v2.12A7.5 7.5 0 0 1 10 6Z"/>
  </svg>`;function uu(t,e){return`
    <slot name="icon">${du(e.seekOffset)}</slot>
  `}var cu=(t,e)=>{t.setAttribute("aria-label",h("seek forward {seekOffset} seconds",{seekOffset:e}))};function hu(){return h("Seek forward")}var mu=0,Mi=class extends R{static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_CURRENT_TIME,xt.SEEK_OFFSET]}connectedCallback(){super.connectedCallback(),this.seekOffset=C(this,xt.SEEK_OFFSET,lo)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),cu(this,this.seekOffset),e===xt.SEEK_OFFSET&&(this.seekOffset=C(this,xt.SEEK_OFFSET,lo))}get seekOffset(){return C(this,xt.SEEK_OFFSET,lo)}set seekOffset(e){U(this,xt.SEEK_OFFSET,e),this.setAttribute("aria-label",h("seek forward {seekOffset} seconds",{seekOffset:this.seekOffset})),Qi(zi(this,"icon"),this.seekOffset)}get mediaCurrentTime(){return C(this,o.MEDIA_CURRENT_TIME,mu)}set mediaCurrentTime(e){U(this,o.MEDIA_CURRENT_TIME,e)}handleClick(){let e=this.mediaCurrentTime+this.seekOffset,i=new n.CustomEvent(m.MEDIA_SEEK_REQUEST,{composed:!0,bubbles:!0,detail:e});this.dispatchEvent(i)}};Mi.getSlotTemplateHTML=uu;Mi.getTooltipContentHTML=hu;n.customElements.get("media-seek-forward-button")||n.customElements.define("media-seek-forward-button",Mi);var ho=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},ve=(t,e,i)=>(ho(t,e,"read from private field"),i?i.call(t):e.get(t)),nt=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},mo=(t,e,i,r)=>(ho(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),qe=(t,e,i)=>(ho(t,e,"access private method"),i),Pt,Le,Xr,po,Un,zr,Eo,Li,Yr,Qr,uo,Ge={REMAINING:"remaining",SHOW_DURATION:"showduration",NO_TOGGLE:"notoggle"},On=[...Object.values(Ge),o.MEDIA_CURRENT_TIME,o.MEDIA_DURATION,o.MEDIA_SEEKABLE],xn=["Enter"," "],pu="&nbsp;/&nbsp;",co=(t,{timesSep:e=pu}={})=>{var i,r;let a=(i=t.mediaCurrentTime)!=null?i:0,[,s]=(r=t.mediaSeekable)!=null?r:[],l=0;Number.isFinite(t.mediaDuration)?l=t.mediaDuration:Number.isFinite(s)&&(l=s);let d=t.remaining?de(0-(l-a)):de(a);return t.showDuration?`${d}${e}${de(l)}`:d},Eu=t=>{var e;let i=t.mediaCurrentTime,[,r]=(e=t.mediaSeekable)!=null?e:[],a=null;if(Number.isFinite(t.mediaDuration)?a=t.mediaDuration:Number.isFinite(r)&&(a=r),i==null||a===null){t.setAttribute("aria-description",h("video not loaded, unknown time."));return}let s=t.remaining?Ze(0-(a-i)):Ze(i);if(!t.showDuration){t.setAttribute("aria-description",s);return}let l=Ze(a),d=h("{currentTime} of {totalTime}",{currentTime:s,totalTime:l});t.setAttribute("aria-description",d)};function vu(t,e){return`
    <slot>${co(e)}</slot>
  `}var fu=t=>{t.setAttribute("aria-label",h("playback time"))},Zr=class extends ee{constructor(){super(),nt(this,po),nt(this,zr),nt(this,Li),nt(this,Qr),nt(this,Pt,void 0),nt(this,Le,null),nt(this,Xr,e=>{let{metaKey:i,altKey:r,key:a}=e;if(i||r||!xn.includes(a)){this.removeEventListener("keyup",ve(this,Le));return}this.addEventListener("keyup",ve(this,Le))}),mo(this,Pt,this.shadowRoot.querySelector("slot")),ve(this,Pt).innerHTML=`${co(this)}`}static get observedAttributes(){return[...super.observedAttributes,...On,"disabled"]}connectedCallback(){let{style:e}=x(this.shadowRoot,":host(:hover:not([notoggle]))");e.setProperty("cursor","var(--media-cursor, pointer)"),e.setProperty("background","var(--media-control-hover-background, rgba(50 50 70 / .7))"),this.setAttribute("aria-label",h("playback time")),qe(this,Li,Yr).call(this),super.connectedCallback()}toggleTimeDisplay(){this.noToggle||(this.hasAttribute("remaining")?this.removeAttribute("remaining"):this.setAttribute("remaining",""))}disconnectedCallback(){this.disable(),qe(this,zr,Eo).call(this),super.disconnectedCallback()}attributeChangedCallback(e,i,r){fu(this),On.includes(e)?this.update():e==="disabled"&&r!==i?r==null?qe(this,Li,Yr).call(this):qe(this,Qr,uo).call(this):e===Ge.NO_TOGGLE&&r!==i&&(this.noToggle?qe(this,Qr,uo).call(this):qe(this,Li,Yr).call(this)),super.attributeChangedCallback(e,i,r)}enable(){this.noToggle||(this.tabIndex=0)}disable(){this.tabIndex=-1}get remaining(){return _(this,Ge.REMAINING)}set remaining(e){g(this,Ge.REMAINING,e)}get showDuration(){return _(this,Ge.SHOW_DURATION)}set showDuration(e){g(this,Ge.SHOW_DURATION,e)}get noToggle(){return _(this,Ge.NO_TOGGLE)}set noToggle(e){g(this,Ge.NO_TOGGLE,e)}get mediaDuration(){return C(this,o.MEDIA_DURATION)}set mediaDuration(e){U(this,o.MEDIA_DURATION,e)}get mediaCurrentTime(){return C(this,o.MEDIA_CURRENT_TIME)}set mediaCurrentTime(e){U(this,o.MEDIA_CURRENT_TIME,e)}get mediaSeekable(){let e=this.getAttribute(o.MEDIA_SEEKABLE);if(e)return e.split(":").map(i=>+i)}set mediaSeekable(e){if(e==null){this.removeAttribute(o.MEDIA_SEEKABLE);return}this.setAttribute(o.MEDIA_SEEKABLE,e.join(":"))}update(){let e=co(this);Eu(this),e!==ve(this,Pt).innerHTML&&(ve(this,Pt).innerHTML=e)}};Pt=new WeakMap;Le=new WeakMap;Xr=new WeakMap;po=new WeakSet;Un=function(){ve(this,Le)||(mo(this,Le,t=>{let{key:e}=t;if(!xn.includes(e)){this.removeEventListener("keyup",ve(this,Le));return}this.toggleTimeDisplay()}),this.addEventListener("keydown",ve(this,Xr)),this.addEventListener("click",this.toggleTimeDisplay))};zr=new WeakSet;Eo=function(){ve(this,Le)&&(this.removeEventListener("keyup",ve(this,Le)),this.removeEventListener("keydown",ve(this,Xr)),this.removeEventListener("click",this.toggleTimeDisplay),mo(this,Le,null))};Li=new WeakSet;Yr=function(){!this.noToggle&&!this.hasAttribute("disabled")&&(this.setAttribute("role","button"),this.enable(),qe(this,po,Un).call(this))};Qr=new WeakSet;uo=function(){this.removeAttribute("role"),this.disable(),qe(this,zr,Eo).call(this)};Zr.getSlotTemplateHTML=vu;n.customElements.get("media-time-display")||n.customElements.define("media-time-display",Zr);var Pn=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},Y=(t,e,i)=>(Pn(t,e,"read from private field"),i?i.call(t):e.get(t)),we=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},oe=(t,e,i,r)=>(Pn(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),_u=(t,e,i,r)=>({set _(a){oe(t,e,a,i)},get _(){return Y(t,e,r)}}),Nt,Jr,Ft,wi,jr,ea,ta,Bt,lt,ia,ra=class{constructor(e,i,r){we(this,Nt,void 0),we(this,Jr,void 0),we(this,Ft,void 0),we(this,wi,void 0),we(this,jr,void 0),we(this,ea,void 0),we(this,ta,void 0),we(this,Bt,void 0),we(this,lt,0),we(this,ia,(a=performance.now())=>{oe(this,lt,requestAnimationFrame(Y(this,ia))),oe(this,wi,performance.now()-Y(this,Ft));let s=1e3/this.fps;if(Y(this,wi)>s){oe(this,Ft,a-Y(this,wi)%s);let l=1e3/((a-Y(this,Jr))/++_u(this,jr)._),d=(a-Y(this,ea))/1e3/this.duration,u=Y(this,ta)+d*this.playbackRate;u-Y(this,Nt).valueAsNumber>0?oe(this,Bt,this.playbackRate/this.duration/l):(oe(this,Bt,.995*Y(this,Bt)),u=Y(this,Nt).valueAsNumber+Y(this,Bt)),this.callback(u)}}),oe(this,Nt,e),this.callback=i,this.fps=r}start(){Y(this,lt)===0&&(oe(this,Ft,performance.now()),oe(this,Jr,Y(this,Ft)),oe(this,jr,0),Y(this,ia).call(this))}stop(){Y(this,lt)!==0&&(cancelAnimationFrame(Y(this,lt)),oe(this,lt,0))}update({start:e,duration:i,playbackRate:r}){let a=e-Y(this,Nt).valueAsNumber,s=Math.abs(i-this.duration);(a>0||a<-.5/i||s>=.5)&&this.callback(e),oe(this,ta,e),oe(this,ea,performance.now()),this.duration=i,this.playbackRate=r}};Nt=new WeakMap;Jr=new WeakMap;Ft=new WeakMap;wi=new WeakMap;jr=new WeakMap;ea=new WeakMap;ta=new WeakMap;Bt=new WeakMap;lt=new WeakMap;ia=new WeakMap;var bo=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},P=(t,e,i)=>(bo(t,e,"read from private field"),i?i.call(t):e.get(t)),K=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},se=(t,e,i,r)=>(bo(t,e,"write to private field"),r?r.call(t,i):e.set(t,i),i),ne=(t,e,i)=>(bo(t,e,"access private method"),i),Ht,Ye,sa,Ci,na,oa,Ri,Oi,$t,Wt,Di,vo,Nn,fo,la,Ao,da,To,ua,So,_o,Fn,Ui,ca,go,Bn,gu=t=>{let e=t.range,i=Ze(+Hn(t)),r=Ze(+t.mediaSeekableEnd),a=i&&r?h("{currentTime} of {totalTime}",{currentTime:i,totalTime:r}):h("video not loaded, unknown time.");e.setAttribute("aria-valuetext",a)};function bu(t){return`
    <style>
      :host {
        --media-box-border-radius: 4px;
        --media-box-padding-left: 10px;
        --media-box-padding-right: 10px;
        --media-preview-border-radius: var(--media-box-border-radius);
        --media-box-arrow-offset: var(--media-box-border-radius);
        --_control-background: var(--media-control-background, var(--media-secondary-color, rgb(20 20 30 / .7)));
        --_preview-background: var(--media-preview-background, var(--_control-background));

        
        contain: layout;
      }

      #buffered {
        background: var(--media-time-range-buffered-color, rgb(255 255 255 / .4));
        position: absolute;
        height: 100%;
        will-change: width;
      }

      #preview-rail,
      #current-rail {
        width: 100%;
        position: absolute;
        left: 0;
        bottom: 100%;
        pointer-events: none;
        will-change: transform;
      }

      [part~="box"] {
        width: min-content;
        
        position: absolute;
        bottom: 100%;
        flex-direction: column;
        align-items: center;
        transform: translateX(-50%);
      }

      [part~="current-box"] {
        display: var(--media-current-box-display, var(--media-box-display, flex));
        margin: var(--media-current-box-margin, var(--media-box-margin, 0 0 5px));
        visibility: hidden;
      }

      [part~="preview-box"] {
        display: var(--media-preview-box-display, var(--media-box-display, flex));
        margin: var(--media-preview-box-margin, var(--media-box-margin, 0 0 5px));
        transition-property: var(--media-preview-transition-property, visibility, opacity);
        transition-duration: var(--media-preview-transition-duration-out, .25s);
        transition-delay: var(--media-preview-transition-delay-out, 0s);
        visibility: hidden;
        opacity: 0;
      }

      :host(:is([${o.MEDIA_PREVIEW_IMAGE}], [${o.MEDIA_PREVIEW_TIME}])[dragging]) [part~="preview-box"] {
        transition-duration: var(--media-preview-transition-duration-in, .5s);
        transition-delay: var(--media-preview-transition-delay-in, .25s);
        visibility: visible;
        opacity: 1;
      }

      @media (hover: hover) {
        :host(:is([${o.MEDIA_PREVIEW_IMAGE}], [${o.MEDIA_PREVIEW_TIME}]):hover) [part~="preview-box"] {
          transition-duration: var(--media-preview-transition-duration-in, .5s);
          transition-delay: var(--media-preview-transition-delay-in, .25s);
          visibility: visible;
          opacity: 1;
        }
      }

      media-preview-thumbnail,
      ::slotted(media-preview-thumbnail) {
        visibility: hidden;
        
        transition: visibility 0s .25s;
        transition-delay: calc(var(--media-preview-transition-delay-out, 0s) + var(--media-preview-transition-duration-out, .25s));
        background: var(--media-preview-thumbnail-background, var(--_preview-background));
        box-shadow: var(--media-preview-thumbnail-box-shadow, 0 0 4px rgb(0 0 0 / .2));
        max-width: var(--media-preview-thumbnail-max-width, 180px);
        max-height: var(--media-preview-thumbnail-max-height, 160px);
        min-width: var(--media-preview-thumbnail-min-width, 120px);
        min-height: var(--media-preview-thumbnail-min-height, 80px);
        border: var(--media-preview-thumbnail-border);
        border-radius: var(--media-preview-thumbnail-border-radius,
          var(--media-preview-border-radius) var(--media-preview-border-radius) 0 0);
      }

      :host([${o.MEDIA_PREVIEW_IMAGE}][dragging]) media-preview-thumbnail,
      :host([${o.MEDIA_PREVIEW_IMAGE}][dragging]) ::slotted(media-preview-thumbnail) {
        transition-delay: var(--media-preview-transition-delay-in, .25s);
        visibility: visible;
      }

      @media (hover: hover) {
        :host([${o.MEDIA_PREVIEW_IMAGE}]:hover) media-preview-thumbnail,
        :host([${o.MEDIA_PREVIEW_IMAGE}]:hover) ::slotted(media-preview-thumbnail) {
          transition-delay: var(--media-preview-transition-delay-in, .25s);
          visibility: visible;
        }

        :host([${o.MEDIA_PREVIEW_TIME}]:hover) {
          --media-time-range-hover-display: block;
        }
      }

      media-preview-chapter-display,
      ::slotted(media-preview-chapter-display) {
        font-size: var(--media-font-size, 13px);
        line-height: 17px;
        min-width: 0;
        visibility: hidden;
        
        transition: min-width 0s, border-radius 0s, margin 0s, padding 0s, visibility 0s;
        transition-delay: calc(var(--media-preview-transition-delay-out, 0s) + var(--media-preview-transition-duration-out, .25s));
        background: var(--media-preview-chapter-background, var(--_preview-background));
        border-radius: var(--media-preview-chapter-border-radius,
          var(--media-preview-border-radius) var(--media-preview-border-radius)
          var(--media-preview-border-radius) var(--media-preview-border-radius));
        padding: var(--media-preview-chapter-padding, 3.5px 9px);
        margin: var(--media-preview-chapter-margin, 0 0 5px);
        text-shadow: var(--media-preview-chapter-text-shadow, 0 0 4px rgb(0 0 0 / .75));
      }

      :host([${o.MEDIA_PREVIEW_IMAGE}]) media-preview-chapter-display,
      :host([${o.MEDIA_PREVIEW_IMAGE}]) ::slotted(media-preview-chapter-display) {
        transition-delay: var(--media-preview-transition-delay-in, .25s);
        border-radius: var(--media-preview-chapter-border-radius, 0);
        padding: var(--media-preview-chapter-padding, 3.5px 9px 0);
        margin: var(--media-preview-chapter-margin, 0);
        min-width: 100%;
      }

      media-preview-chapter-display[${o.MEDIA_PREVIEW_CHAPTER}],
      ::slotted(media-preview-chapter-display[${o.MEDIA_PREVIEW_CHAPTER}]) {
        visibility: visible;
      }

      media-preview-chapter-display:not([aria-valuetext]),
      ::slotted(media-preview-chapter-display:not([aria-valuetext])) {
        display: none;
      }

      media-preview-time-display,
      ::slotted(media-preview-time-display),
      media-time-display,
      ::slotted(media-time-display) {
        font-size: var(--media-font-size, 13px);
        line-height: 17px;
        min-width: 0;
        
        transition: min-width 0s, border-radius 0s;
        transition-delay: calc(var(--media-preview-transition-delay-out, 0s) + var(--media-preview-transition-duration-out, .25s));
        background: var(--media-preview-time-background, var(--_preview-background));
        border-radius: var(--media-preview-time-border-radius,
          var(--media-preview-border-radius) var(--media-preview-border-radius)
          var(--media-preview-border-radius) var(--media-preview-border-radius));
        padding: var(--media-preview-time-padding, 3.5px 9px);
        margin: var(--media-preview-time-margin, 0);
        text-shadow: var(--media-preview-time-text-shadow, 0 0 4px rgb(0 0 0 / .75));
        transform: translateX(min(
          max(calc(50% - var(--_box-width) / 2),
          calc(var(--_box-shift, 0))),
          calc(var(--_box-width) / 2 - 50%)
        ));
      }

      :host([${o.MEDIA_PREVIEW_IMAGE}]) media-preview-time-display,
      :host([${o.MEDIA_PREVIEW_IMAGE}]) ::slotted(media-preview-time-display) {
        transition-delay: var(--media-preview-transition-delay-in, .25s);
        border-radius: var(--media-preview-time-border-radius,
          0 0 var(--media-preview-border-radius) var(--media-preview-border-radius));
        min-width: 100%;
      }

      :host([${o.MEDIA_PREVIEW_TIME}]:hover) {
        --media-time-range-hover-display: block;
      }

      [part~="arrow"],
      ::slotted([part~="arrow"]) {
        display: var(--media-box-arrow-display, inline-block);
        transform: translateX(min(
          max(calc(50% - var(--_box-width) / 2 + var(--media-box-arrow-offset)),
          calc(var(--_box-shift, 0))),
          calc(var(--_box-width) / 2 - 50% - var(--media-box-arrow-offset))
        ));
        
        border-color: transparent;
        border-top-color: var(--media-box-arrow-background, var(--_control-background));
        border-width: var(--media-box-arrow-border-width,
          var(--media-box-arrow-height, 5px) var(--media-box-arrow-width, 6px) 0);
        border-style: solid;
        justify-content: center;
        height: 0;
      }
    </style>
    <div id="preview-rail">
      <slot name="preview" part="box preview-box">
        <media-preview-thumbnail>
          <template shadowrootmode="${qr.shadowRootOptions.mode}">
            ${qr.getTemplateHTML({})}
          </template>
        </media-preview-thumbnail>
        <media-preview-chapter-display></media-preview-chapter-display>
        <media-preview-time-display></media-preview-time-display>
        <slot name="preview-arrow"><div part="arrow"></div></slot>
      </slot>
    </div>
    <div id="current-rail">
      <slot name="current" part="box current-box">
        
      </slot>
    </div>
  `}var aa=(t,e=t.mediaCurrentTime)=>{let i=Number.isFinite(t.mediaSeekableStart)?t.mediaSeekableStart:0,r=Number.isFinite(t.mediaDuration)?t.mediaDuration:t.mediaSeekableEnd;if(Number.isNaN(r))return 0;let a=(e-i)/(r-i);return Math.max(0,Math.min(a,1))},Hn=(t,e=t.range.valueAsNumber)=>{let i=Number.isFinite(t.mediaSeekableStart)?t.mediaSeekableStart:0,r=Number.isFinite(t.mediaDuration)?t.mediaDuration:t.mediaSeekableEnd;return Number.isNaN(r)?0:e*(r-i)+i},xi=class extends Te{constructor(){super(),K(this,vo),K(this,la),K(this,da),K(this,ua),K(this,_o),K(this,Ui),K(this,go),K(this,Ht,null),K(this,Ye,void 0),K(this,sa,void 0),K(this,Ci,void 0),K(this,na,void 0),K(this,oa,void 0),K(this,Ri,void 0),K(this,Oi,void 0),K(this,$t,void 0),K(this,Wt,void 0),K(this,Di,()=>{ne(this,vo,Nn).call(this)?P(this,Ye).start():P(this,Ye).stop()}),K(this,fo,r=>{this.dragging||(pt(r)&&(this.range.valueAsNumber=r),P(this,Wt)||this.updateBar())}),this.shadowRoot.querySelector("#track").insertAdjacentHTML("afterbegin",'<div id="buffered" part="buffered"></div>'),se(this,sa,this.shadowRoot.querySelectorAll('[part~="box"]')),se(this,na,this.shadowRoot.querySelector('[part~="preview-box"]')),se(this,oa,this.shadowRoot.querySelector('[part~="current-box"]'));let i=getComputedStyle(this);se(this,Ri,parseInt(i.getPropertyValue("--media-box-padding-left"))),se(this,Oi,parseInt(i.getPropertyValue("--media-box-padding-right"))),se(this,Ye,new ra(this.range,P(this,fo),60))}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_PAUSED,o.MEDIA_DURATION,o.MEDIA_SEEKABLE,o.MEDIA_CURRENT_TIME,o.MEDIA_PREVIEW_IMAGE,o.MEDIA_PREVIEW_TIME,o.MEDIA_PREVIEW_CHAPTER,o.MEDIA_BUFFERED,o.MEDIA_PLAYBACK_RATE,o.MEDIA_LOADING,o.MEDIA_ENDED]}connectedCallback(){var e;super.connectedCallback(),this.range.setAttribute("aria-label",h("seek")),P(this,Di).call(this),se(this,Ht,this.getRootNode()),(e=P(this,Ht))==null||e.addEventListener("transitionstart",this)}disconnectedCallback(){var e;super.disconnectedCallback(),P(this,Ye).stop(),(e=P(this,Ht))==null||e.removeEventListener("transitionstart",this),se(this,Ht,null)}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),i!=r&&(e===o.MEDIA_CURRENT_TIME||e===o.MEDIA_PAUSED||e===o.MEDIA_ENDED||e===o.MEDIA_LOADING||e===o.MEDIA_DURATION||e===o.MEDIA_SEEKABLE?(P(this,Ye).update({start:aa(this),duration:this.mediaSeekableEnd-this.mediaSeekableStart,playbackRate:this.mediaPlaybackRate}),P(this,Di).call(this),gu(this)):e===o.MEDIA_BUFFERED&&this.updateBufferedBar(),(e===o.MEDIA_DURATION||e===o.MEDIA_SEEKABLE)&&(this.mediaChaptersCues=P(this,$t),this.updateBar()))}get mediaChaptersCues(){return P(this,$t)}set mediaChaptersCues(e){var i;se(this,$t,e),this.updateSegments((i=P(this,$t))==null?void 0:i.map(r=>({start:aa(this,r.startTime),end:aa(this,r.endTime)})))}get mediaPaused(){return _(this,o.MEDIA_PAUSED)}set mediaPaused(e){g(this,o.MEDIA_PAUSED,e)}get mediaLoading(){return _(this,o.MEDIA_LOADING)}set mediaLoading(e){g(this,o.MEDIA_LOADING,e)}get mediaDuration(){return C(this,o.MEDIA_DURATION)}set mediaDuration(e){U(this,o.MEDIA_DURATION,e)}get mediaCurrentTime(){return C(this,o.MEDIA_CURRENT_TIME)}set mediaCurrentTime(e){U(this,o.MEDIA_CURRENT_TIME,e)}get mediaPlaybackRate(){return C(this,o.MEDIA_PLAYBACK_RATE,1)}set mediaPlaybackRate(e){U(this,o.MEDIA_PLAYBACK_RATE,e)}get mediaBuffered(){let e=this.getAttribute(o.MEDIA_BUFFERED);return e?e.split(" ").map(i=>i.split(":").map(r=>+r)):[]}set mediaBuffered(e){if(!e){this.removeAttribute(o.MEDIA_BUFFERED);return}let i=e.map(r=>r.join(":")).join(" ");this.setAttribute(o.MEDIA_BUFFERED,i)}get mediaSeekable(){let e=this.getAttribute(o.MEDIA_SEEKABLE);if(e)return e.split(":").map(i=>+i)}set mediaSeekable(e){if(e==null){this.removeAttribute(o.MEDIA_SEEKABLE);return}this.setAttribute(o.MEDIA_SEEKABLE,e.join(":"))}get mediaSeekableEnd(){var e;let[,i=this.mediaDuration]=(e=this.mediaSeekable)!=null?e:[];return i}get mediaSeekableStart(){var e;let[i=0]=(e=this.mediaSeekable)!=null?e:[];return i}get mediaPreviewImage(){return L(this,o.MEDIA_PREVIEW_IMAGE)}set mediaPreviewImage(e){y(this,o.MEDIA_PREVIEW_IMAGE,e)}get mediaPreviewTime(){return C(this,o.MEDIA_PREVIEW_TIME)}set mediaPreviewTime(e){U(this,o.MEDIA_PREVIEW_TIME,e)}get mediaEnded(){return _(this,o.MEDIA_ENDED)}set mediaEnded(e){g(this,o.MEDIA_ENDED,e)}updateBar(){super.updateBar(),this.updateBufferedBar(),this.updateCurrentBox()}updateBufferedBar(){var e;let i=this.mediaBuffered;if(!i.length)return;let r;if(this.mediaEnded)r=1;else{let s=this.mediaCurrentTime,[,l=this.mediaSeekableStart]=(e=i.find(([d,u])=>d<=s&&s<=u))!=null?e:[];r=aa(this,l)}let{style:a}=x(this.shadowRoot,"#buffered");a.setProperty("width",`${r*100}%`)}updateCurrentBox(){if(!this.shadowRoot.querySelector('slot[name="current"]').assignedElements().length)return;let i=x(this.shadowRoot,"#current-rail"),r=x(this.shadowRoot,'[part~="current-box"]'),a=ne(this,la,Ao).call(this,P(this,oa)),s=ne(this,da,To).call(this,a,this.range.valueAsNumber),l=ne(this,ua,So).call(this,a,this.range.valueAsNumber);i.style.transform=`translateX(${s})`,i.style.setProperty("--_range-width",`${a.range.width}`),r.style.setProperty("--_box-shift",`${l}`),r.style.setProperty("--_box-width",`${a.box.width}px`),r.style.setProperty("visibility","initial")}handleEvent(e){switch(super.handleEvent(e),e.type){case"input":ne(this,go,Bn).call(this);break;case"pointermove":ne(this,_o,Fn).call(this,e);break;case"pointerup":P(this,Wt)&&se(this,Wt,!1);break;case"pointerdown":se(this,Wt,!0);break;case"pointerleave":ne(this,Ui,ca).call(this,null);break;case"transitionstart":fe(e.target,this)&&setTimeout(()=>P(this,Di).call(this),0);break}}};Ht=new WeakMap;Ye=new WeakMap;sa=new WeakMap;Ci=new WeakMap;na=new WeakMap;oa=new WeakMap;Ri=new WeakMap;Oi=new WeakMap;$t=new WeakMap;Wt=new WeakMap;Di=new WeakMap;vo=new WeakSet;Nn=function(){return this.isConnected&&!this.mediaPaused&&!this.mediaLoading&&!this.mediaEnded&&this.mediaSeekableEnd>0&&Zi(this)};fo=new WeakMap;la=new WeakSet;Ao=function(t){var e;let r=((e=this.getAttribute("bounds")?Pe(this,`#${this.getAttribute("bounds")}`):this.parentElement)!=null?e:this).getBoundingClientRect(),a=this.range.getBoundingClientRect(),s=t.offsetWidth,l=-(a.left-r.left-s/2),d=r.right-a.left-s/2;return{box:{width:s,min:l,max:d},bounds:r,range:a}};da=new WeakSet;To=function(t,e){let i=`${e*100}%`,{width:r,min:a,max:s}=t.box;if(!r)return i;if(Number.isNaN(a)||(i=`max(${`calc(1 / var(--_range-width) * 100 * ${a}% + var(--media-box-padding-left))`}, ${i})`),!Number.isNaN(s)){let d=`calc(1 / var(--_range-width) * 100 * ${s}% - var(--media-box-padding-right))`;i=`min(${i}, ${d})`}return i};ua=new WeakSet;So=function(t,e){let{width:i,min:r,max:a}=t.box,s=e*t.range.width;if(s<r+P(this,Ri)){let l=t.range.left-t.bounds.left-P(this,Ri);return`${s-i/2+l}px`}if(s>a-P(this,Oi)){let l=t.bounds.right-t.range.right-P(this,Oi);return`${s+i/2-l-t.range.width}px`}return 0};_o=new WeakSet;Fn=function(t){let e=[...P(this,sa)].some(I=>t.composedPath().includes(I));if(!this.dragging&&(e||!t.composedPath().includes(this))){ne(this,Ui,ca).call(this,null);return}let i=this.mediaSeekableEnd;if(!i)return;let r=x(this.shadowRoot,"#preview-rail"),a=x(this.shadowRoot,'[part~="preview-box"]'),s=ne(this,la,Ao).call(this,P(this,na)),l=(t.clientX-s.range.left)/s.range.width;l=Math.max(0,Math.min(1,l));let d=ne(this,da,To).call(this,s,l),u=ne(this,ua,So).call(this,s,l);r.style.transform=`translateX(${d})`,r.style.setProperty("--_range-width",`${s.range.width}`),a.style.setProperty("--_box-shift",`${u}`),a.style.setProperty("--_box-width",`${s.box.width}px`);let k=Math.round(P(this,Ci))-Math.round(l*i);Math.abs(k)<1&&l>.01&&l<.99||(se(this,Ci,l*i),ne(this,Ui,ca).call(this,P(this,Ci)))};Ui=new WeakSet;ca=function(t){this.dispatchEvent(new n.CustomEvent(m.MEDIA_PREVIEW_REQUEST,{composed:!0,bubbles:!0,detail:t}))};go=new WeakSet;Bn=function(){P(this,Ye).stop();let t=Hn(this);this.dispatchEvent(new n.CustomEvent(m.MEDIA_SEEK_REQUEST,{composed:!0,bubbles:!0,detail:t}))};xi.shadowRootOptions={mode:"open"};xi.getContainerTemplateHTML=bu;n.customElements.get("media-time-range")||n.customElements.define("media-time-range",xi);var Au=(t,e,i)=>{if(!e.has(t))throw TypeError("Cannot "+i)},$n=(t,e,i)=>(Au(t,e,"read from private field"),i?i.call(t):e.get(t)),Tu=(t,e,i)=>{if(e.has(t))throw TypeError("Cannot add the same private member more than once");e instanceof WeakSet?e.add(t):e.set(t,i)},ha,Su=1,Iu=t=>t.mediaMuted?0:t.mediaVolume,yu=t=>`${Math.round(t*100)}%`,Io=class extends Te{constructor(){super(...arguments),Tu(this,ha,()=>{let e=this.range.value,i=new n.CustomEvent(m.MEDIA_VOLUME_REQUEST,{composed:!0,bubbles:!0,detail:e});this.dispatchEvent(i)})}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_VOLUME,o.MEDIA_MUTED,o.MEDIA_VOLUME_UNAVAILABLE]}connectedCallback(){super.connectedCallback(),this.range.setAttribute("aria-label",h("volume")),this.range.addEventListener("input",$n(this,ha))}disconnectedCallback(){this.range.removeEventListener("input",$n(this,ha)),super.disconnectedCallback()}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),(e===o.MEDIA_VOLUME||e===o.MEDIA_MUTED)&&(this.range.valueAsNumber=Iu(this),this.range.setAttribute("aria-valuetext",yu(this.range.valueAsNumber)),this.updateBar())}get mediaVolume(){return C(this,o.MEDIA_VOLUME,Su)}set mediaVolume(e){U(this,o.MEDIA_VOLUME,e)}get mediaMuted(){return _(this,o.MEDIA_MUTED)}set mediaMuted(e){g(this,o.MEDIA_MUTED,e)}get mediaVolumeUnavailable(){return L(this,o.MEDIA_VOLUME_UNAVAILABLE)}set mediaVolumeUnavailable(e){y(this,o.MEDIA_VOLUME_UNAVAILABLE,e)}};ha=new WeakMap;n.customElements.get("media-volume-range")||n.customElements.define("media-volume-range",Io);function ku(t){return`
      <style>
        :host {
          min-width: 4ch;
          padding: var(--media-button-padding, var(--media-control-padding, 10px 5px));
          width: 100%;
          display: grid;
          grid-template-columns: 1fr auto;
          gap: 1rem;
          font-weight: var(--media-button-font-weight, normal);
        }

        #checked-indicator {
          display: none;
        }

        :host([${o.MEDIA_LOOP}]) #checked-indicator {
          display: block;
        }
      </style>
      
      <span id="icon">
     </span>

      <div id="checked-indicator">
        <svg aria-hidden="true" viewBox="0 1 24 24" part="checked-indicator indicator">
          <path d="m10 15.17 9.193-9.191 1.414 1.414-10.606 10.606-6.364-6.364 1.414-1.414 4.95 4.95Z"/>
        </svg>
      </div>
    `}function Mu(){return h("Loop")}var Pi=class extends R{constructor(){super(...arguments),this.container=null}static get observedAttributes(){return[...super.observedAttributes,o.MEDIA_LOOP]}connectedCallback(){var e;super.connectedCallback(),this.container=((e=this.shadowRoot)==null?void 0:e.querySelector("#icon"))||null,this.container&&(this.container.textContent=h("Loop"))}attributeChangedCallback(e,i,r){super.attributeChangedCallback(e,i,r),e===o.MEDIA_LOOP&&this.container&&this.setAttribute("aria-checked",this.mediaLoop?"true":"false")}get mediaLoop(){return _(this,o.MEDIA_LOOP)}set mediaLoop(e){g(this,o.MEDIA_LOOP,e)}handleClick(){let e=!this.mediaLoop,i=new n.CustomEvent(m.MEDIA_LOOP_REQUEST,{composed:!0,bubbles:!0,detail:e});this.dispatchEvent(i)}};Pi.getSlotTemplateHTML=ku;Pi.getTooltipContentHTML=Mu;n.customElements.get("media-loop-button")||n.customElements.define("media-loop-button",Pi);})();
