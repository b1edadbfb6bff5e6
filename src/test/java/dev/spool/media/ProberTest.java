package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
        source = TestMedia.video().seconds(2).size(320, 240).withAudio().writeTo(dir.resolve("source.mp4"));
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
        Path cut = TestMedia.firstHalf(fastStart, dir.resolve("cut-faststart.mp4"));

        assertRejected(cut, "truncated", "cut short");
    }

    @Test
    void givenMp4WithoutItsIndex_whenProbed_thenTruncated() throws Exception {
        Path cut = TestMedia.firstHalf(source, dir.resolve("cut.mp4"));

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
        Path mjpeg =
                TestMedia.video().seconds(1).size(64, 64).fps(10).codec("mjpeg").writeTo(dir.resolve("mjpeg.avi"));

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
        Path cover = TestMedia.video()
                .seconds(0.04)
                .size(64, 64)
                .codec("png", "-frames:v", "1")
                .writeTo(dir.resolve("cover.png"));
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
        Path withCover = TestMedia.coverArtFirst(source, 640, dir.resolve("cover-first." + container));

        VideoSpec spec = prober.probe(withCover);

        VideoSpec.Track video = spec.video().orElseThrow();
        assertThat(video.codec()).isEqualTo("h264");
        assertThat(video.index()).isEqualTo(1);
        assertThat(video.width()).isEqualTo(320);
        new InputValidator().checkSpec(spec);
    }

    @Test
    void givenMpegTsNamedMp4WhereOnlyTheAudioDeclaresABitrate_whenProbed_thenBitrateIsTheWholeFiles() throws Exception {
        Path ts = TestMedia.video()
                .seconds(2)
                .size(320, 240)
                .withAudio()
                .bitrate("1M")
                .audioBitrate("64k")
                .format("mpegts")
                .writeTo(dir.resolve("transport.mp4"));

        VideoSpec spec = prober.probe(ts);

        assertThat(spec.video().orElseThrow().bitrate()).isNull();
        assertThat(spec.audio().orElseThrow().bitrate()).isPositive();
        double sizeOverDuration = Files.size(ts) * 8 / spec.duration();
        assertThat(spec.bitrate().doubleValue())
                .isCloseTo(sizeOverDuration, org.assertj.core.data.Percentage.withPercentage(5));
    }

    @Test
    void givenAudioWithAOnePictureVideoStreamNotFlaggedAsCoverArt_whenProbed_thenAudioOnly() throws Exception {
        Path withPicture = TestMedia.video()
                .seconds(1)
                .size(64, 64)
                .fps(1)
                .codec("mjpeg", "-frames:v", "1")
                .audioSeconds(2)
                .writeTo(dir.resolve("song-with-picture.mp4"));

        VideoSpec spec = prober.probe(withPicture);

        assertThat(spec.video()).isEmpty();
        assertThat(spec.audio()).isPresent();
    }
}
