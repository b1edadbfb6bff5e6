package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProberTest {

    @TempDir
    static Path dir;

    private static Path source;
    private final Prober prober = new Prober(TestMedia.binaries());

    @BeforeAll
    static void generate() {
        source = TestMedia.generate(
                dir,
                "source.mp4",
                2,
                "320x240",
                25,
                true,
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-shortest");
    }

    private void assertRejected(Path input, String code, String messagePart) {
        assertThatThrownBy(() -> prober.probe(input)).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void givenMp4WithVideoAndAudio_whenProbed_thenLivepeerShapedSpec() throws Exception {
        VideoSpec spec = prober.probe(source);

        assertThat(spec.format()).isEqualTo("mp4");
        assertThat(spec.duration()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(spec.bitrate()).isPositive();
        VideoSpec.Track video = spec.video().orElseThrow();
        assertThat(video.codec()).isEqualTo("h264");
        assertThat(video.width()).isEqualTo(320);
        assertThat(video.height()).isEqualTo(240);
        assertThat(video.fps()).isEqualTo(25.0);
        assertThat(video.pixelFormat()).isEqualTo("yuv420p");
        assertThat(video.rotation()).isZero();
        assertThat(video.variableFrameRate()).isFalse();
        VideoSpec.Track audio = spec.audio().orElseThrow();
        assertThat(audio.codec()).isEqualTo("aac");
        assertThat(audio.sampleRate()).isEqualTo(44_100);
        assertThat(audio.channels()).isEqualTo(1);
    }

    @Test
    void givenRotatedPhoneVideo_whenProbed_thenRotationAndPortraitDisplaySize() throws Exception {
        Path rotated = TestMedia.ffmpeg(
                dir.resolve("rotated.mp4"), List.of("-display_rotation", "90", "-i", source.toString(), "-c", "copy"));

        VideoSpec.Track video = prober.probe(rotated).video().orElseThrow();

        assertThat(video.rotation()).isIn(90, 270);
        assertThat(video.displayWidth()).isEqualTo(240);
        assertThat(video.displayHeight()).isEqualTo(320);
    }

    @Test
    void givenFastStartMp4CutShort_whenProbed_thenTruncated() throws Exception {
        Path fastStart = TestMedia.ffmpeg(
                dir.resolve("faststart.mp4"),
                List.of("-i", source.toString(), "-c", "copy", "-movflags", "+faststart"));
        byte[] bytes = Files.readAllBytes(fastStart);
        Path cut = TestMedia.write(dir.resolve("cut-faststart.mp4"), Arrays.copyOf(bytes, bytes.length / 2));

        assertRejected(cut, "truncated", "cut short");
    }

    @Test
    void givenMp4WithoutItsIndex_whenProbed_thenTruncated() throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        Path cut = TestMedia.write(dir.resolve("cut.mp4"), Arrays.copyOf(bytes, bytes.length / 2));

        assertRejected(cut, "truncated", "moov atom");
    }

    @Test
    void givenTextFile_whenProbed_thenNotMedia() {
        Path text = TestMedia.write(dir.resolve("notes.mp4"), "just some notes\n".getBytes());

        assertRejected(text, "not_media", "not a media file");
    }

    @Test
    void givenSubtitleOnlyFile_whenProbed_thenNoAudioOrVideoTracks() throws Exception {
        Path srt = dir.resolve("subs.srt");
        Files.writeString(srt, "1\n00:00:00,000 --> 00:00:01,000\nhello\n");
        Path mkv = TestMedia.ffmpeg(dir.resolve("subs.mkv"), List.of("-i", srt.toString()));

        VideoSpec spec = prober.probe(mkv);

        assertThat(spec.tracks()).isEmpty();
        assertThatThrownBy(() -> new InputValidator().checkSpec(spec))
                .isInstanceOfSatisfying(
                        MediaException.class, e -> assertThat(e.code()).isEqualTo("no_streams"));
    }

    @Test
    void givenMjpegVideo_whenProbedAndValidated_thenUnsupportedCodec() throws Exception {
        Path mjpeg = TestMedia.generate(dir, "mjpeg.avi", 1, "64x64", 10, false, "-c:v", "mjpeg");

        VideoSpec spec = prober.probe(mjpeg);

        assertThatThrownBy(() -> new InputValidator().checkSpec(spec))
                .isInstanceOfSatisfying(
                        MediaException.class,
                        e -> assertThat(e)
                                .hasMessageContaining("mjpeg is not supported")
                                .extracting(MediaException::code)
                                .isEqualTo("unsupported_codec"));
    }

    @Test
    void givenMp3WithCoverArt_whenProbed_thenAudioOnly() throws Exception {
        Path cover = TestMedia.generate(dir, "cover.png", 0.04, "64x64", 25, false, "-frames:v", "1");
        Path mp3 = TestMedia.ffmpeg(
                dir.resolve("song.mp3"),
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=duration=1",
                        "-i",
                        cover.toString(),
                        "-map",
                        "0:a",
                        "-map",
                        "1:v",
                        "-c:v",
                        "png",
                        "-disposition:v",
                        "attached_pic"));

        VideoSpec spec = prober.probe(mp3);

        assertThat(spec.video()).isEmpty();
        assertThat(spec.audio()).isPresent();
    }

    @ParameterizedTest(name = "in {0}")
    @ValueSource(strings = {"mp4", "mkv"})
    void givenH264WithCoverArtStreamBeforeIt_whenProbedAndValidated_thenTheH264StreamIsUsed(String container)
            throws Exception {
        Path withCover = TestMedia.ffmpeg(
                dir.resolve("cover-first." + container),
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=size=640x640:rate=1:duration=1",
                        "-i",
                        source.toString(),
                        "-map",
                        "0:v",
                        "-map",
                        "1:v",
                        "-map",
                        "1:a",
                        "-c:v:0",
                        "mjpeg",
                        "-frames:v:0",
                        "1",
                        "-c:v:1",
                        "copy",
                        "-c:a",
                        "copy"));

        VideoSpec spec = prober.probe(withCover);

        VideoSpec.Track video = spec.video().orElseThrow();
        assertThat(video.codec()).isEqualTo("h264");
        assertThat(video.index()).isEqualTo(1);
        assertThat(video.width()).isEqualTo(320);
        new InputValidator().checkSpec(spec);
    }

    @Test
    void givenMpegTsNamedMp4WhereOnlyTheAudioDeclaresABitrate_whenProbed_thenBitrateIsTheWholeFiles() throws Exception {
        Path ts = TestMedia.generate(
                dir,
                "transport.mp4",
                2,
                "320x240",
                25,
                true,
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-b:v",
                "1M",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-f",
                "mpegts");

        VideoSpec spec = prober.probe(ts);

        assertThat(spec.video().orElseThrow().bitrate()).isNull();
        assertThat(spec.audio().orElseThrow().bitrate()).isPositive();
        double sizeOverDuration = Files.size(ts) * 8 / spec.duration();
        assertThat(spec.bitrate().doubleValue())
                .isCloseTo(sizeOverDuration, org.assertj.core.data.Percentage.withPercentage(5));
    }

    @Test
    void givenAudioWithAOnePictureVideoStreamNotFlaggedAsCoverArt_whenProbed_thenAudioOnly() throws Exception {
        Path withPicture = TestMedia.ffmpeg(
                dir.resolve("song-with-picture.mp4"),
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=size=64x64:rate=1:duration=1",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=duration=2",
                        "-map",
                        "0:v",
                        "-map",
                        "1:a",
                        "-c:v",
                        "mjpeg",
                        "-frames:v",
                        "1",
                        "-c:a",
                        "aac"));

        VideoSpec spec = prober.probe(withPicture);

        assertThat(spec.video()).isEmpty();
        assertThat(spec.audio()).isPresent();
    }
}
