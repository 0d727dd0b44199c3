// Runs before media-chrome defines its elements: the page's language, and labels whose
// accessible name contains the visible text ("1.25x"), as WCAG 2.5.3 asks.
import { addTranslation, setLanguage } from "media-chrome/dist/utils/i18n.js";
import { En } from "media-chrome/dist/lang/en.js";
import { ZhCn } from "media-chrome/dist/lang/zh-CN.js";

addTranslation("en", { ...En, "Playback rate {playbackRate}": "Playback rate {playbackRate}x" });
addTranslation("zh-CN", { ...ZhCn, "Playback rate {playbackRate}": "播放速度 {playbackRate}x" });
setLanguage(document.documentElement.lang || "zh-CN");
