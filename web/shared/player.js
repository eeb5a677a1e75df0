// The live player: hls.js plays the room's playback URL (IVS's HLS in AWS; the local ingest's
// HLS locally) and hands over timed metadata at its stream time.
//
// Timed metadata comes one of two ways, chosen by config.cues:
//   "id3":  IVS puts each PutMetadata into the HLS pieces as an ID3 tag; hls.js turns it into a
//           cue of a "metadata" text track at its place on the video's timeline.
//   "feed": the local playback serves the same metadata as cues.json beside the playlist, each
//           with its MPEG-TS time (pts, seconds); this module places it on the video's timeline
//           with hls.js's mapping of MPEG-TS time to video time (INIT_PTS_FOUND), so it fires at
//           the same stream time an ID3 tag there would.
import Hls from "/vendor/hls.mjs";

export class LivePlayer {
  constructor(video, { cues = "id3", onCue = () => {}, onStatus = () => {} } = {}) {
    this.video = video;
    this.cueSource = cues;
    this.onCue = onCue;
    this.onStatus = onStatus;
    this.offsets = new Map(); // discontinuity counter -> MPEG-TS seconds at video time 0
    this.cc = 0;
    this.pending = []; // feed cues not fired yet: {pts, text}
    this.seen = new Set();
    this.hls = null;
    this.url = null;
    this.timer = null;
    this.ticker = null;
  }

  // Play `url` (a no-op when it plays already).
  play(url) {
    if (!url || url === this.url) return;
    this.stop();
    this.url = url;
    this.video.muted = true; // autoplay is allowed muted; the viewer unmutes
    if (!Hls.isSupported()) {
      this.video.src = url; // Safari plays HLS natively (and shows ID3 cues itself)
      this.video.play().catch(() => {});
      this.watchId3Tracks();
      return;
    }
    const hls = new Hls({ liveSyncDurationCount: 2, enableID3MetadataCues: true });
    this.hls = hls;
    hls.on(Hls.Events.INIT_PTS_FOUND, (_, d) => this.offsets.set(d.frag.cc, d.initPTS / d.timescale));
    hls.on(Hls.Events.FRAG_CHANGED, (_, d) => (this.cc = d.frag.cc));
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      this.onStatus("playing");
      this.video.play().catch(() => {});
    });
    hls.on(Hls.Events.ERROR, (_, d) => {
      if (!d.fatal) return;
      this.onStatus("waiting for the stream");
      // a live stream not cut yet, or a reconnect: try again shortly
      setTimeout(() => {
        if (this.hls !== hls) return;
        if (d.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else hls.loadSource(url);
      }, 2000);
    });
    hls.loadSource(url);
    hls.attachMedia(this.video);
    if (this.cueSource === "feed") this.pollFeed(url.replace(/index\.m3u8(\?.*)?$/, "cues.json"));
    else this.watchId3Tracks();
    this.video.addEventListener("timeupdate", this.fireDue);
    this.ticker = setInterval(this.fireDue, 40); // timeupdate comes only every 250 ms
  }

  stop() {
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    this.video.removeEventListener("timeupdate", this.fireDue);
    this.hls?.destroy();
    this.hls = null;
    this.url = null;
    this.pending = [];
    this.offsets.clear();
  }

  // Where the video is, in MPEG-TS seconds (the stream clock the cues are placed on).
  streamPts() {
    const offset = this.offsets.get(this.cc);
    return offset === undefined ? null : this.video.currentTime + offset;
  }

  fireDue = () => {
    const now = this.streamPts();
    if (now === null) return;
    const due = this.pending.filter((c) => c.pts <= now);
    if (!due.length) return;
    this.pending = this.pending.filter((c) => c.pts > now);
    // a viewer who joins late sees only the newest card that is already due
    const latest = due.reduce((a, b) => (b.pts > a.pts ? b : a));
    this.onCue(latest.text, { pts: latest.pts, shownAtPts: now });
  };

  async pollFeed(feedUrl) {
    try {
      const response = await fetch(feedUrl, { cache: "no-store" });
      if (response.ok) {
        for (const cue of (await response.json()).cues) {
          const key = `${cue.pts}|${cue.text}`;
          if (this.seen.has(key)) continue;
          this.seen.add(key);
          this.pending.push(cue);
        }
        this.fireDue();
      }
    } catch {
      // the feed comes back with the stream
    }
    if (this.url) this.timer = setTimeout(() => this.pollFeed(feedUrl), 250);
  }

  watchId3Tracks() {
    const attach = (track) => {
      if (track.kind !== "metadata") return;
      track.mode = "hidden";
      track.addEventListener("cuechange", () => {
        for (const cue of track.activeCues || []) {
          const text = cue.value?.data ?? cue.text;
          if (typeof text !== "string" || this.seen.has(`${cue.startTime}|${text}`)) continue;
          this.seen.add(`${cue.startTime}|${text}`);
          this.onCue(text, { pts: cue.startTime, shownAtPts: this.video.currentTime });
        }
      });
    };
    [...this.video.textTracks].forEach(attach);
    this.video.textTracks.addEventListener("addtrack", (e) => attach(e.track));
  }
}

// Is the video showing moving pictures? (currentTime advancing)
export function isPlaying(video) {
  return !video.paused && video.readyState >= 2 && video.currentTime > 0;
}
