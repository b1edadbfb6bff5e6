package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputValidatorTest {

    private final InputValidator validator = new InputValidator();

    @TempDir
    Path dir;

    private static void assertRejected(ThrowingCall call, String code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void givenEmptyFile_whenChecked_thenEmptyFile() {
        Path empty = TestMedia.write(dir.resolve("empty.mp4"), new byte[0]);
        assertRejected(() -> validator.checkFile(empty), "empty_file", "empty");
    }

    @Test
    void givenFileAboveLimit_whenChecked_thenTooLarge() {
        Path file = TestMedia.write(dir.resolve("big.mp4"), new byte[2048]);
        assertRejected(() -> new InputValidator(1024).checkFile(file), "too_large", "at most");
    }

    @Test
    void givenNoVideoNoAudio_whenChecked_thenNoStreams() {
        assertRejected(() -> validator.checkSpec(Specs.noStreams()), "no_streams", "no video and no audio");
    }

    @Test
    void givenStillImageOrProresCodec_whenChecked_thenUnsupportedCodecNamed() {
        for (String codec : new String[] {"mjpeg", "jpeg", "png", "prores"}) {
            assertRejected(
                    () -> validator.checkSpec(Specs.video(codec, 640, 360, 1_000_000L, 25.0, 0)),
                    "unsupported_codec",
                    codec + " is not supported");
        }
    }

    @Test
    void givenVp9OrHevc_whenChecked_thenAccepted() {
        assertThatCode(() -> validator.checkSpec(Specs.video("vp9", 640, 360, 1_000_000L, 25.0, 0)))
                .doesNotThrowAnyException();
        assertThatCode(() -> validator.checkSpec(Specs.video("hevc", 640, 360, 1_000_000L, 25.0, 0)))
                .doesNotThrowAnyException();
    }

    @Test
    void givenZeroOrMissingFrameRate_whenChecked_thenInvalidFps() {
        assertRejected(
                () -> validator.checkSpec(Specs.video("h264", 640, 360, 1_000_000L, 0.0, 0)),
                "invalid_fps",
                "invalid framerate");
        assertRejected(
                () -> validator.checkSpec(Specs.video("h264", 640, 360, 1_000_000L, null, 0)),
                "invalid_fps",
                "invalid framerate");
    }

    @Test
    void givenAbsurdDimensions_whenChecked_thenInvalidDimensions() {
        assertRejected(() -> validator.checkSpec(Specs.video(8, 8, 1_000L)), "invalid_dimensions", "8x8");
        assertRejected(() -> validator.checkSpec(Specs.video(10000, 720, 1_000L)), "invalid_dimensions", "10000x720");
    }

    @Test
    void givenAudioOnly_whenChecked_thenAccepted() {
        assertThatCode(() -> validator.checkSpec(Specs.audioOnly())).doesNotThrowAnyException();
    }
}
