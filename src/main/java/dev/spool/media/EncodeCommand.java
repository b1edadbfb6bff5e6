package dev.spool.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the one ffmpeg command that encodes a chunk: the input is decoded once, a filter graph
 * splits and scales it for every rendition, each rendition is encoded once, audio is encoded once
 * to AAC, and the tee muxer hands the same packets to every rendition's HLS muxer (and MP4
 * muxer), so nothing is encoded twice. Keyframes are forced at every segment boundary so all
 * renditions split at the same instants. Paths are relative to the work directory the command
 * runs in, which keeps them free of characters the tee syntax would need escaped.
 */
final class EncodeCommand {

    static final String AUDIO_ONLY = "audio";
    static final String THUMBNAILS = "thumbnails";
    private static final String AUDIO_BITRATE = "128k";
    /** Livepeer's audio-only rendition (AWS MediaConvert): AAC 96 kb/s, 48 kHz. */
    static final long AUDIO_ONLY_BITRATE = 96_000;

    private static final String AUDIO_ONLY_RATE = "48000";
    /** Seconds added to every cluster chunk's timestamps; more than any encoder's reordering delay. */
    private static final double CHUNK_TS_LEAD = 10;
    /**
     * Where a chunked encode's audio waits for the join, in the work directory: a name no output takes (a profile's
     * name starts with a letter or a digit).
     */
    static final String JOIN_AUDIO = ".join-audio.mp4";

    /**
     * zimg's bicubic with swscale's default parameters (B 0, C 0.6), taking the chroma samples as centred on both sides
     * as swscale does whatever the frames say: the scale filter's picture (65-68 dB PSNR apart) for a third of its CPU.
     * zscale then labels the frames "center", which the encoders would write; the scale filter leaves the chroma
     * location unspecified, and so does the label put back.
     */
    private static final String ZIMG_AS_SWSCALE =
            ":filter=bicubic:param_a=0:param_b=0.6:chromalin=center:chromal=center,setparams=chroma_location=unspecified";

    private static final Pattern ZIMG_RESIZE =
            Pattern.compile("zscale=w=(\\d+):h=(\\d+)" + Pattern.quote(ZIMG_AS_SWSCALE));

    static final int THUMB_WIDTH = 640;
    static final int THUMB_HEIGHT = 360;

    private final FfmpegBinaries binaries;
    private final PipelineRequest request;
    private final VideoSpec spec;
    private final List<Rendition> renditions;
    private final InputRange range;

    /** @param range the part of the input to encode (chunks are then relative to it), or null for all of it */
    EncodeCommand(
            FfmpegBinaries binaries,
            PipelineRequest request,
            VideoSpec spec,
            List<Rendition> renditions,
            InputRange range) {
        this.binaries = binaries;
        this.request = request;
        this.spec = spec;
        this.renditions = renditions;
        this.range = range;
    }

    /** Directory (and playlist base) names of the HLS outputs, in encoding order. */
    List<String> outputNames() {
        return renditions.isEmpty()
                ? List.of(AUDIO_ONLY)
                : renditions.stream().map(Rendition::name).toList();
    }

    static String chunkPlaylist(String name, int chunk) {
        return name + "/chunk_" + chunk + ".m3u8";
    }

    static String initSegment(int chunk) {
        return "init_" + chunk + ".mp4";
    }

    /** The video-only MPEG-TS file a chunk encoded in the cluster writes for one rendition. */
    static String chunkVideo(String name, int chunk) {
        return name + "/chunk_" + chunk + ".ts";
    }

    /**
     * @param mp4Names renditions whose MP4 this process writes directly (empty when chunked: the
     *                 MP4s are then remuxed from the joined playlists)
     * @param inputUrl where ffmpeg reads the input: its file, or the input while it still arrives
     */
    List<String> build(ChunkPlan.Chunk chunk, Set<String> mp4Names, String inputUrl) {
        return build(chunk, mp4Names, inputUrl, false);
    }

    /**
     * A chunk's video only, for a worker of the cluster reading the source at {@code input}: each rendition goes to
     * its own MPEG-TS file ({@link #chunkVideo}) whose timestamps continue from the previous chunk's, so the chunks
     * join byte by byte; {@link #buildJoin} then adds the audio, encoded once.
     */
    List<String> buildVideo(ChunkPlan.Chunk chunk, String input) {
        return build(chunk, Set.of(), input, true);
    }

    private List<String> build(ChunkPlan.Chunk chunk, Set<String> mp4Names, String input, boolean videoOnly) {
        List<String> cmd = head();
        cmd.addAll(inputRange(chunk));
        cmd.addAll(List.of("-i", input));
        boolean audio = !videoOnly && spec.audio().isPresent();
        boolean thumbnails = request.thumbnails() && !renditions.isEmpty();
        List<String> slaves = new ArrayList<>();
        if (renditions.isEmpty()) {
            cmd.addAll(List.of(
                    "-map",
                    audioStream(0),
                    "-c:a",
                    "aac",
                    "-b:a",
                    Long.toString(AUDIO_ONLY_BITRATE),
                    "-ar",
                    AUDIO_ONLY_RATE));
            slaves.add(hlsSlave("a", AUDIO_ONLY, false, chunk));
            if (mp4Names.contains(AUDIO_ONLY)) {
                slaves.add(mp4Slave("a", AUDIO_ONLY));
            }
        } else {
            cmd.addAll(List.of("-filter_complex", filterGraph(thumbnails)));
            for (int i = 0; i < renditions.size(); i++) {
                cmd.addAll(List.of("-map", "[v" + i + "]"));
            }
            if (audio) {
                cmd.addAll(audioOptions(0));
            }
            for (int i = 0; i < renditions.size(); i++) {
                Rendition r = renditions.get(i);
                cmd.addAll(videoOptions(i, r));
                if (videoOnly) {
                    slaves.add("[select=\\'v:" + i + "\\':f=mpegts]" + chunkVideo(r.name(), chunk.index()));
                    continue;
                }
                String select = audio ? "v:" + i + ",a" : "v:" + i;
                slaves.add(hlsSlave(select, r.name(), r.fragmentedMp4(), chunk));
                if (mp4Names.contains(r.name())) {
                    slaves.add(mp4Slave(select, r.name()));
                }
            }
        }
        if (videoOnly) {
            // Every chunk, the first too, lies CHUNK_TS_LEAD later than its place: no chunk then starts with a
            // negative decoding time (B-frames) that the muxer would shift, so the chunks stay frame-exact end to end.
            cmd.addAll(List.of("-output_ts_offset", seconds(CHUNK_TS_LEAD + chunk.start())));
        } else if (chunk.start() > 0) {
            // MPEG-TS timestamps then continue from the previous chunk, so the joined playlist needs no
            // discontinuity (the MP4 muxer restarts at 0 anyway: the packager shifts fragmented MP4 times)
            cmd.addAll(List.of("-output_ts_offset", seconds(chunk.start())));
        }
        cmd.addAll(timelineEnd(chunk));
        // tee cannot tell encoders that MP4 wants global headers; TS muxers re-insert them at keyframes
        cmd.addAll(List.of("-flags", "+global_header", "-f", "tee", String.join("|", slaves)));
        if (thumbnails) {
            cmd.addAll(List.of(
                    "-map",
                    "[thumbs]",
                    "-c:v",
                    "png",
                    "-fps_mode",
                    "passthrough",
                    "-f",
                    "image2",
                    "-start_number",
                    Integer.toString(chunk.firstSegment()),
                    THUMBNAILS + "/keyframes_%d.png"));
        }
        return cmd;
    }

    /**
     * The whole timeline's audio, encoded once while the chunks' video is encoded, into {@link #JOIN_AUDIO}: the same
     * part of the source, options and end as a one-chunk encode ({@code whole}) gives its audio, so its packets are
     * that encode's, priming included. Empty when the input has no audio.
     */
    Optional<List<String>> buildAudio(ChunkPlan.Chunk whole, String input) {
        if (spec.audio().isEmpty()) {
            return Optional.empty();
        }
        List<String> cmd = head();
        cmd.addAll(inputRange(whole));
        cmd.addAll(List.of("-i", input));
        cmd.addAll(audioOptions(0));
        cmd.addAll(timelineEnd(whole));
        cmd.addAll(List.of("-f", "mp4", JOIN_AUDIO));
        return Optional.of(cmd);
    }

    /**
     * The pass that joins what the cluster encoded: each rendition's chunk files read as one stream (the concat
     * protocol; their timestamps are continuous) and the audio {@link #buildAudio} encoded, both copied into the HLS
     * outputs and MP4s exactly as a one-chunk encode ({@code whole}) writes them. A single audio encode leaves no gap,
     * overlap or priming at the chunk joins.
     */
    List<String> buildJoin(List<ChunkPlan.Chunk> chunks, ChunkPlan.Chunk whole, Set<String> mp4Names) {
        List<String> cmd = head();
        for (Rendition r : renditions) {
            List<String> parts =
                    chunks.stream().map(c -> chunkVideo(r.name(), c.index())).toList();
            cmd.addAll(List.of("-i", "concat:" + String.join("|", parts)));
        }
        boolean audio = spec.audio().isPresent();
        if (audio) {
            cmd.addAll(List.of("-i", JOIN_AUDIO));
        }
        for (int i = 0; i < renditions.size(); i++) {
            // the MPEG-TS stream type would otherwise be copied into the MP4s as their codec tag
            String tag = renditions.get(i).encoder() == TranscodeProfile.Encoder.HEVC ? "hvc1" : "avc1";
            cmd.addAll(List.of("-map", i + ":v:0", "-tag:v:" + i, tag));
        }
        cmd.addAll(List.of("-c:v", "copy"));
        if (audio) {
            cmd.addAll(List.of("-map", renditions.size() + ":a:0", "-c:a", "copy"));
        }
        List<String> slaves = new ArrayList<>();
        for (int i = 0; i < renditions.size(); i++) {
            Rendition r = renditions.get(i);
            String select = audio ? "v:" + i + ",a" : "v:" + i;
            slaves.add(hlsSlave(select, r.name(), r.fragmentedMp4(), whole));
            if (mp4Names.contains(r.name())) {
                slaves.add(mp4Slave(select, r.name()));
            }
        }
        cmd.addAll(timelineEnd(whole));
        cmd.addAll(List.of("-flags", "+global_header", "-f", "tee", String.join("|", slaves)));
        return cmd;
    }

    private List<String> head() {
        return new ArrayList<>(List.of(
                binaries.ffmpeg().toString(),
                "-hide_banner",
                "-nostdin",
                "-v",
                "error",
                "-nostats",
                "-progress",
                "pipe:1",
                "-stats_period",
                "0.5",
                "-y"));
    }

    /** Input options: ffmpeg seeks to the keyframe before the start and drops the frames decoded before it. */
    private List<String> inputRange(ChunkPlan.Chunk chunk) {
        List<String> o = new ArrayList<>();
        double start = (range == null ? 0 : range.start()) + chunk.start();
        if (start > 0) {
            o.addAll(List.of("-ss", seconds(start)));
        }
        Double length = chunk.length();
        if (length == null && range != null) {
            length = range.length() - chunk.start();
        }
        if (length != null) {
            o.addAll(List.of("-t", seconds(length)));
        }
        return o;
    }

    /** AAC for the renditions, from the probed audio stream of input number {@code input}. */
    private List<String> audioOptions(int input) {
        List<String> o = new ArrayList<>(List.of("-map", audioStream(input), "-c:a", "aac", "-b:a", AUDIO_BITRATE));
        // audio that starts after the video is padded with silence from the timeline's start (gaps are
        // filled too), so players start both streams together
        o.addAll(List.of("-af", "aresample=async=1:first_pts=0"));
        if (spec.audio().get().channels() != null && spec.audio().get().channels() > 2) {
            // 128 kb/s is a stereo budget: six channels in it sound worse than a stereo downmix
            o.addAll(List.of("-ac", "2"));
        }
        return o;
    }

    /** For the last chunk: a constant frame rate repeats the last frame for as long as the gap before it; the source ends here. */
    private List<String> timelineEnd(ChunkPlan.Chunk chunk) {
        Double timeline = spec.timelineLength();
        if (chunk.length() == null && timeline != null && !renditions.isEmpty()) {
            return List.of("-t", seconds(timeline - chunk.start()));
        }
        return List.of();
    }

    /**
     * Decodes once and scales once per rendition. A rendition at most half as wide and half as tall as another
     * rendition at the same frame rate is scaled from that one's picture rather than from the source: the scaler's
     * cost grows with the picture it reads, and a 1080p source's 360p costs less than half from the 720p picture.
     * The result differs from a direct scale by far less than the encode does (about 60 dB PSNR between the two).
     */
    String filterGraph(boolean thumbnails) {
        int[] from = scaledFrom();
        List<List<Integer>> taps = new ArrayList<>();
        List<Integer> direct = new ArrayList<>();
        for (int i = 0; i < renditions.size(); i++) {
            taps.add(new ArrayList<>());
        }
        for (int i = 0; i < renditions.size(); i++) {
            if (from[i] < 0) {
                direct.add(i);
            } else {
                taps.get(from[i]).add(i);
            }
        }
        int branches = direct.size() + (thumbnails ? 1 : 0);
        StringBuilder graph = new StringBuilder("[0:")
                .append(spec.video().orElseThrow().index())
                .append("]split=")
                .append(branches);
        for (int i = 0; i < branches; i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int b = 0; b < direct.size(); b++) {
            int i = direct.get(b);
            Rendition r = renditions.get(i);
            graph.append(";[s").append(b).append(']');
            if (r.fps() != null) {
                // dropping frames before scaling saves the scaler work
                graph.append("fps=")
                        .append(r.fps())
                        .append('/')
                        .append(r.fpsDen())
                        .append(',');
            }
            scaled(graph, i, taps, true);
        }
        for (int i = 0; i < renditions.size(); i++) {
            if (from[i] >= 0) {
                graph.append(";[t").append(i).append(']');
                scaled(graph, i, taps, false);
            }
        }
        if (thumbnails) {
            int[] size = thumbnailSize();
            // the first frame at or after each segment start: the frame every rendition makes a keyframe
            graph.append(";[s")
                    .append(direct.size())
                    .append("]select='gte(t,selected_n*")
                    .append(seconds(request.segmentSeconds()))
                    .append(")',scale=")
                    .append(size[0])
                    .append(':')
                    .append(size[1])
                    .append(",setsar=1[thumbs]");
        }
        return graph.toString();
    }

    /**
     * Rendition {@code i}'s scale into {@code [v<i>]}, split to {@code [t<j>]} for each rendition scaled from it.
     *
     * @param fromSource whether it reads the decoded source rather than another rendition's picture
     */
    private void scaled(StringBuilder graph, int i, List<List<Integer>> taps, boolean fromSource) {
        Rendition r = renditions.get(i);
        if (zimgResizes(r, fromSource)) {
            graph.append(zimgResize(r.width(), r.height()));
        } else {
            graph.append("scale=").append(r.width()).append(':').append(r.height());
        }
        graph.append(",setsar=1,format=yuv420p");
        if (taps.get(i).isEmpty()) {
            graph.append("[v").append(i).append(']');
            return;
        }
        graph.append(",split=")
                .append(taps.get(i).size() + 1)
                .append("[v")
                .append(i)
                .append(']');
        for (int j : taps.get(i)) {
            graph.append("[t").append(j).append(']');
        }
    }

    /**
     * Whether zimg resizes to rendition {@code r}: 8-bit 4:2:0 pictures of even sizes (it refuses odd ones; a rung's
     * picture always is one). Conversions stay with the scale filter, and so does a rung at the source's size, which it
     * passes through untouched.
     */
    private boolean zimgResizes(Rendition r, boolean fromSource) {
        if (!binaries.zimgResize()) {
            return false;
        }
        if (!fromSource) {
            return true;
        }
        VideoSpec.Track video = spec.video().orElseThrow();
        // ffmpeg turns the frames before the graph
        int width = video.upright() ? video.width() : video.height();
        int height = video.upright() ? video.height() : video.width();
        return "yuv420p".equals(video.pixelFormat())
                && width % 2 == 0
                && height % 2 == 0
                && (r.width() != width || r.height() != height);
    }

    /** zimg's resize to {@code width} x {@code height}, as the scale filter would make it. */
    static String zimgResize(int width, int height) {
        return "zscale=w=" + width + ":h=" + height + ZIMG_AS_SWSCALE;
    }

    /**
     * {@code arg} of a command built here with every zimg resize made the scale filter's: for a worker of the cluster
     * whose ffmpeg cannot resize with zimg, given a chunk's command built where it can. The pictures are all but the
     * same, so its chunks join the others'.
     */
    static String withoutZimg(String arg) {
        return ZIMG_RESIZE.matcher(arg).replaceAll("scale=$1:$2");
    }

    /** For each rendition, the rendition whose picture it is scaled from, or -1 for the source: the smallest one it can be. */
    private int[] scaledFrom() {
        int[] from = new int[renditions.size()];
        for (int i = 0; i < renditions.size(); i++) {
            from[i] = -1;
            for (int p = 0; p < renditions.size(); p++) {
                Rendition q = renditions.get(p);
                if (scalesDownTo(q, renditions.get(i)) && (from[i] < 0 || area(q) < area(renditions.get(from[i])))) {
                    from[i] = p;
                }
            }
        }
        return from;
    }

    /** At least twice as wide and as tall, at the same frame rate: {@code small} read from it is all but the same. */
    private static boolean scalesDownTo(Rendition big, Rendition small) {
        return big.width() >= 2 * small.width()
                && big.height() >= 2 * small.height()
                && Objects.equals(big.fps(), small.fps())
                && Objects.equals(big.fpsDen(), small.fpsDen());
    }

    private static long area(Rendition r) {
        return (long) r.width() * r.height();
    }

    /** The probed audio stream, by its index in the file, of input number {@code input}. */
    private String audioStream(int input) {
        return input + ":" + spec.audio().orElseThrow().index();
    }

    /** Fits the displayed picture inside 640x360, keeping its aspect ratio; a smaller picture keeps its size. */
    int[] thumbnailSize() {
        VideoSpec.Track video = spec.video().orElseThrow();
        double scale = Math.min(
                1,
                Math.min((double) THUMB_WIDTH / video.displayWidth(), (double) THUMB_HEIGHT / video.displayHeight()));
        return new int[] {
            LadderPlanner.roundEven(video.displayWidth() * scale),
            LadderPlanner.roundEven(video.displayHeight() * scale)
        };
    }

    private List<String> videoOptions(int i, Rendition r) {
        String s = ":v:" + i;
        List<String> o = new ArrayList<>();
        switch (r.encoder()) {
            case H264 -> {
                o.addAll(List.of("-c" + s, "libx264", "-preset" + s, request.preset(), "-forced-idr" + s, "1"));
                TranscodeProfile.H264Profile profile = r.profile();
                o.addAll(List.of("-bf" + s, Integer.toString(profile == null ? 3 : profile.bFrames())));
                if (profile != null) {
                    o.addAll(List.of("-profile" + s, profile.x264Name()));
                }
                o.addAll(cappedQuality(s, r));
            }
            case HEVC -> {
                o.addAll(List.of(
                        "-c" + s,
                        "libx265",
                        "-preset" + s,
                        request.preset(),
                        "-forced-idr" + s,
                        "1",
                        "-tag" + s,
                        "hvc1",
                        "-x265-params" + s,
                        "log-level=error"));
                o.addAll(cappedQuality(s, r));
            }
            case VP9 -> {
                VpxSpeed speed = VpxSpeed.forPreset(request.preset());
                o.addAll(List.of(
                        "-c" + s,
                        "libvpx-vp9",
                        "-deadline" + s,
                        speed.deadline(),
                        "-cpu-used" + s,
                        Integer.toString(speed.cpuUsed()),
                        "-row-mt" + s,
                        "1",
                        "-b" + s,
                        Long.toString(r.bitrate())));
                if (r.quality() != null) {
                    // constrained quality: CRF, with -b:v as the ceiling
                    o.addAll(List.of("-crf" + s, Integer.toString(r.quality())));
                }
            }
            case VP8 -> throw new IllegalStateException("VP8 renditions are refused by the planner");
        }
        o.addAll(keyframeOptions(s, r));
        o.addAll(frameRateOptions(s, r));
        return o;
    }

    /** CRF when a quality is given, the bitrate then only caps it (VBV); otherwise plain bitrate control. */
    private static List<String> cappedQuality(String s, Rendition r) {
        String bitrate = Long.toString(r.bitrate());
        List<String> o = new ArrayList<>();
        if (r.quality() != null) {
            o.addAll(List.of("-crf" + s, Integer.toString(r.quality())));
        } else {
            o.addAll(List.of("-b" + s, bitrate));
        }
        o.addAll(List.of("-maxrate" + s, bitrate, "-bufsize" + s, bitrate));
        return o;
    }

    private List<String> keyframeOptions(String s, Rendition r) {
        double segment = request.segmentSeconds();
        double step = segment;
        List<String> o = new ArrayList<>();
        if (r.gop() != null && r.gop() == 0) {
            o.addAll(List.of("-g" + s, "1"));
        } else if (r.gop() != null && r.fps() != null) {
            long frames = Math.max(1, Math.round(r.gop() * r.fps() / r.fpsDen()));
            o.addAll(List.of("-g" + s, Long.toString(frames)));
        } else if (r.gop() != null) {
            // the largest interval not above the GOP that still lands on every segment boundary
            step = segment / Math.ceil(segment / r.gop());
        }
        o.addAll(List.of("-force_key_frames" + s, "expr:gte(t,n_forced*" + seconds(step) + ")"));
        return o;
    }

    /**
     * Every rendition gets a constant frame rate: the profile's, else the source's. Frames are repeated
     * through gaps (sparse or variable-rate sources) and from the timeline's start (video that starts
     * after the audio), so each segment holds exactly the time its playlist entry says.
     */
    private List<String> frameRateOptions(String s, Rendition r) {
        String rate = r.fps() != null
                ? r.fps() + "/" + r.fpsDen()
                : spec.video().orElseThrow().frameRate();
        return rate == null ? List.of("-fps_mode" + s, "passthrough") : List.of("-fps_mode" + s, "cfr", "-r" + s, rate);
    }

    private String hlsSlave(String select, String name, boolean fmp4, ChunkPlan.Chunk chunk) {
        StringBuilder slave = new StringBuilder("[select=\\'")
                .append(select)
                .append("\\':f=hls")
                .append(":hls_time=")
                .append(seconds(request.segmentSeconds()))
                // segments are written under a temporary name and renamed when complete, so one that carries its real
                // name can be published while the encode goes on
                .append(":hls_playlist_type=vod:hls_flags=temp_file:start_number=")
                .append(chunk.firstSegment())
                .append(":hls_segment_filename=")
                .append(name)
                .append("/%d.")
                .append(fmp4 ? "m4s" : "ts");
        if (fmp4) {
            // no edit list: it would carry the chunk's start offset, making every chunk's init section differ
            // (tfdt already holds the real times)
            slave.append(":hls_segment_type=fmp4:hls_segment_options=use_editlist=0:hls_fmp4_init_filename=")
                    .append(initSegment(chunk.index()));
        }
        return slave.append(']').append(chunkPlaylist(name, chunk.index())).toString();
    }

    private static String mp4Slave(String select, String name) {
        return "[select=\\'" + select + "\\':f=mp4:movflags=+faststart]" + name + ".mp4";
    }

    static String seconds(double value) {
        return String.format(Locale.ROOT, "%.6f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** libvpx speed for an x264 preset name: the fast presets use real-time mode. */
    record VpxSpeed(String deadline, int cpuUsed) {
        static VpxSpeed forPreset(String preset) {
            return switch (preset) {
                case "ultrafast", "superfast", "veryfast" -> new VpxSpeed("realtime", 8);
                case "faster", "fast" -> new VpxSpeed("good", 5);
                case "medium" -> new VpxSpeed("good", 4);
                default -> new VpxSpeed("good", 2);
            };
        }
    }
}
