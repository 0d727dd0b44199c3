// The lesson player's library, bundled into webapp/static/vendor/media-player.js: media-chrome's
// elements (controls as web components around the page's own <video>/<audio>) with Chinese and
// English labels, in the page's language (player-lang.js, which must run first).
import "./player-lang.js";
import "media-chrome";
