package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.spool.media.TranscodeProfile.Encoder;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderPlannerTest {

    private final LadderPlanner planner = new LadderPlanner(Ladder.LIVEPEER);
    private final LadderPlanner spool = new LadderPlanner(Ladder.SPOOL);

    private List<Rendition> plan(int width, int height, long bitrate) throws MediaException {
        return planner.plan(Specs.video(width, height, bitrate), List.of());
    }

    @Test
    void given1080pAt5Mbps_whenPlanned_thenThreeRungsWithScaledBitrates() throws Exception {
        assertThat(plan(1920, 1080, 5_000_000))
                .extracting(
                        Rendition::name, Rendition::width, Rendition::height, Rendition::bitrate, Rendition::quality)
                .containsExactly(
                        tuple("360p0", 640, 360, 666_666L, 27),
                        tuple("720p0", 1280, 720, 2_666_666L, 27),
                        tuple("1080p0", 1920, 1080, 6_000_000L, 27));
    }

    @Test
    void given720pJustAbove4Mbps_whenPlanned_then360pCappedAndNo720pRung() throws Exception {
        assertThat(plan(1280, 720, 4_000_001))
                .extracting(Rendition::name, Rendition::bitrate)
                .containsExactly(tuple("360p0", 1_000_000L), tuple("720p0", 4_800_001L));
    }

    @Test
    void given1080pAtLowBitrate_whenPlanned_then720pSkippedBecauseItsDefaultBitrateIsNotBelowTheSource()
            throws Exception {
        assertThat(plan(1920, 1080, 1_100_000))
                .extracting(Rendition::name, Rendition::bitrate)
                .containsExactly(tuple("360p0", 146_666L), tuple("1080p0", 1_320_000L));
    }

    @Test
    void given360p_whenPlanned_thenLowBitrateRungAtHalfTheSource() throws Exception {
        assertThat(plan(640, 360, 1_000_001))
                .extracting(Rendition::name, Rendition::width, Rendition::height, Rendition::bitrate)
                .containsExactly(
                        tuple(Rendition.LOW_BITRATE, 640, 360, 500_000L), tuple("360p0", 640, 360, 1_200_001L));
    }

    @Test
    void givenOddSmallSource_whenPlanned_thenSizesRoundUpToEven() throws Exception {
        assertThat(plan(400, 239, 517_099))
                .extracting(Rendition::name, Rendition::width, Rendition::height, Rendition::bitrate)
                .containsExactly(tuple(Rendition.LOW_BITRATE, 400, 240, 258_549L), tuple("240p0", 400, 240, 620_518L));
    }

    @Test
    void givenOdd853x479Source_whenPlanned_thenTopRungIs854x480() throws Exception {
        assertThat(plan(853, 479, 1_200_000))
                .extracting(Rendition::name, Rendition::width, Rendition::height, Rendition::bitrate)
                .containsExactly(tuple("360p0", 640, 360, 812_008L), tuple("480p0", 854, 480, 1_440_000L));
    }

    @Test
    void givenHugeBitrate_whenPlanned_thenRungsAtDefaultsAndTopCappedAt288Mbps() throws Exception {
        assertThat(plan(1920, 1080, 500_000_000))
                .extracting(Rendition::bitrate)
                .containsExactly(1_000_000L, 4_000_000L, 288_000_000L);
    }

    @Test
    void givenTinyBitrates_whenPlanned_thenLowBitrateFloorsApply() {
        assertThat(LadderPlanner.livepeerLadder(320, 240, 150_000).get(0).bitrate())
                .isEqualTo(100_000L);
        assertThat(LadderPlanner.livepeerLadder(320, 240, 6_000).get(0).bitrate())
                .isEqualTo(5_000L);
    }

    @Test
    void givenUnknownBitrate_whenPlanned_thenLivepeersFourMegabitAssumptionIsUsed() throws Exception {
        VideoSpec spec = new VideoSpec(
                "matroska", 10.0, null, Specs.video(1920, 1080, null).tracks(), null);
        assertThat(planner.plan(spec, List.of())).extracting(Rendition::bitrate).containsExactly(533_333L, 4_800_000L);
    }

    @Test
    void givenPortraitPhoneVideo_whenPlanned_thenRenditionsArePortrait() throws Exception {
        VideoSpec rotated = Specs.video("h264", 1920, 1080, 5_000_000L, 30.0, 90);
        assertThat(planner.plan(rotated, List.of()))
                .extracting(Rendition::name, Rendition::width, Rendition::height)
                .containsExactly(tuple("360p0", 360, 640), tuple("720p0", 720, 1280), tuple("1920p0", 1080, 1920));
    }

    @Test
    void givenCustomBoxOfOtherAspect_whenPlanned_thenSourceAspectIsKept() throws Exception {
        List<Rendition> plan = planner.plan(
                Specs.video(1440, 1080, 5_000_000L), List.of(TranscodeProfile.of("hd", 1280, 720, 3_000_000)));
        assertThat(plan).extracting(Rendition::width, Rendition::height).containsExactly(tuple(1280, 960));
    }

    @Test
    void givenCustomProfilesForEachEncoder_whenPlanned_thenUsedAsGivenWithEncoderSettings() throws Exception {
        List<Rendition> plan = planner.plan(
                Specs.video(1920, 1080, 5_000_000L),
                List.of(
                        TranscodeProfile.of("h264", 640, 360, 800_000)
                                .withProfile(TranscodeProfile.H264Profile.H264Baseline),
                        TranscodeProfile.of("hevc", 1280, 720, 2_000_000)
                                .withEncoder(Encoder.HEVC)
                                .withQuality(28),
                        TranscodeProfile.of("vp9", 3840, 2160, 9_000_000)
                                .withEncoder(Encoder.VP9)
                                .withFps(15, 1)
                                .withGop("2")));
        assertThat(plan)
                .extracting(
                        Rendition::name,
                        Rendition::width,
                        Rendition::height,
                        Rendition::encoder,
                        Rendition::quality,
                        Rendition::fps,
                        Rendition::gop)
                .containsExactly(
                        tuple("h264", 640, 360, Encoder.H264, null, null, null),
                        tuple("hevc", 1280, 720, Encoder.HEVC, 28, null, null),
                        tuple("vp9", 3840, 2160, Encoder.VP9, null, 15, 2.0));
        assertThat(plan.get(0).fragmentedMp4()).isFalse();
        assertThat(plan.get(1).fragmentedMp4()).isTrue();
        assertThat(plan.get(2).fragmentedMp4()).isTrue();
    }

    @Test
    void givenSingleBitrateOnlyProfile_whenPlanned_thenSourceSizeAndQuality27() throws Exception {
        List<Rendition> plan = planner.plan(
                Specs.video(1280, 720, 5_000_000L),
                List.of(new TranscodeProfile("same", 0, 0, 2_000_000L, null, null, null, null, null, null)));
        assertThat(plan)
                .extracting(Rendition::width, Rendition::height, Rendition::bitrate, Rendition::quality)
                .containsExactly(tuple(1280, 720, 2_000_000L, 27));
    }

    @Test
    void givenVeryWideSource_whenPlannedSmall_thenCodecMinimumHeightWins() {
        assertThat(LadderPlanner.outputSize(160, 90, 1920, 200, Encoder.H264)).containsExactly(480, 50);
    }

    @Test
    void givenIntraGop_whenPlanned_thenGopIsZero() throws Exception {
        assertThat(planner.plan(
                                Specs.video(640, 360, 1_000_000L),
                                List.of(TranscodeProfile.of("i", 320, 180, 500_000)
                                        .withGop("intra")))
                        .get(0)
                        .gop())
                .isEqualTo(0.0);
    }

    @Test
    void givenVp8Profile_whenPlanned_thenRefusedWithItsOwnCode() {
        assertThatThrownBy(() -> planner.plan(
                        Specs.video(640, 360, 1_000_000L),
                        List.of(TranscodeProfile.of("vp8", 320, 180, 500_000).withEncoder(Encoder.VP8))))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.code()).isEqualTo("unsupported_encoder");
                    assertThat(e.retriable()).isFalse();
                });
    }

    @Test
    void givenDuplicateOrUnsafeNames_whenPlanned_thenInvalidProfile() {
        assertThatThrownBy(() -> planner.plan(
                        Specs.video(640, 360, 1_000_000L),
                        List.of(
                                TranscodeProfile.of("a", 320, 180, 500_000),
                                TranscodeProfile.of("a", 160, 90, 200_000))))
                .hasMessageContaining("used twice");
        assertThatThrownBy(() -> planner.plan(
                        Specs.video(640, 360, 1_000_000L), List.of(TranscodeProfile.of("../x", 320, 180, 500_000))))
                .isInstanceOfSatisfying(
                        MediaException.class, e -> assertThat(e.code()).isEqualTo("invalid_profile"));
    }

    @Test
    void givenAudioOnlyInput_whenPlanned_thenNoVideoRenditions() throws Exception {
        assertThat(planner.plan(Specs.audioOnly(), List.of())).isEmpty();
    }

    @Test
    void givenSmallSourceAtLivepeersRule_whenPlanned_thenLowBitrateAtTheSameSizeAsTheTop() throws Exception {
        assertThat(plan(640, 360, 1_000_001)).extracting(Rendition::width).containsExactly(640, 640);
    }

    @Test
    void givenSourceAt360pOrBelow_whenPlannedWithSpoolsLadder_thenOneRenditionNotTwoIdenticalOnes() throws Exception {
        assertThat(spool.plan(Specs.video(640, 360, 1_000_001L), List.of()))
                .extracting(Rendition::name, Rendition::width, Rendition::height, Rendition::bitrate)
                .containsExactly(tuple("360p0", 640, 360, 1_200_001L));
        assertThat(spool.plan(Specs.video(400, 239, 517_099L), List.of()))
                .extracting(Rendition::name)
                .containsExactly("238p0");
    }

    @Test
    void given4kSource_whenPlannedWithSpoolsLadder_thenA1080pRungBelowTheTop() throws Exception {
        assertThat(spool.plan(Specs.video(3840, 2160, 20_000_000L), List.of()))
                .extracting(Rendition::name, Rendition::width, Rendition::height, Rendition::bitrate)
                .containsExactly(
                        tuple("360p0", 640, 360, 666_666L),
                        tuple("720p0", 1280, 720, 2_666_666L),
                        tuple("1080p0", 1920, 1080, 6_000_000L),
                        tuple("2160p0", 3840, 2160, 24_000_000L));
        assertThat(planner.plan(Specs.video(3840, 2160, 20_000_000L), List.of()))
                .extracting(Rendition::name)
                .containsExactly("360p0", "720p0", "2160p0");
    }

    @Test
    void givenOddHeight_whenPlannedWithSpoolsLadder_thenRoundedDownNeverUpscaled() throws Exception {
        assertThat(spool.plan(Specs.video(720, 405, 2_000_000L), List.of()))
                .extracting(Rendition::name, Rendition::width, Rendition::height)
                .containsExactly(tuple("360p0", 640, 360), tuple("404p0", 720, 404));
        assertThat(spool.plan(Specs.video(853, 479, 1_200_000L), List.of()))
                .allSatisfy(
                        r -> assertThat(r.width() <= 853 && r.height() <= 479).isTrue());
        assertThat(planner.plan(Specs.video(720, 405, 2_000_000L), List.of())
                        .get(1)
                        .height())
                .isEqualTo(406);
    }

    @Test
    void givenPortraitSource_whenPlannedWithSpoolsLadder_thenNoRungAtTheSourcesOwnSize() throws Exception {
        assertThat(spool.plan(Specs.video("h264", 1920, 1080, 5_000_000L, 30.0, 90), List.of()))
                .extracting(Rendition::width, Rendition::height)
                .containsExactly(tuple(360, 640), tuple(720, 1280), tuple(1080, 1920));
    }

    @Test
    void givenHighSpeed187AndAHalfFps_whenPlannedWithSpoolsLadder_thenRateDividedToAtMost60() throws Exception {
        VideoSpec.Track fast = new VideoSpec.Track(
                VideoSpec.Track.VIDEO,
                "h264",
                0.0,
                10.0,
                8_000_000L,
                1280,
                720,
                "yuv420p",
                187.5,
                null,
                null,
                8,
                0,
                null,
                "1:1",
                "375/2",
                false,
                0);
        VideoSpec spec = new VideoSpec("mp4", 10.0, 8_000_000L, List.of(fast), 8_000_000L);

        assertThat(spool.plan(spec, List.of()))
                .extracting(Rendition::fps, Rendition::fpsDen)
                .containsOnly(tuple(375, 8));
        assertThat(spool.plan(Specs.video(1280, 720, 4_000_000L), List.of()))
                .extracting(Rendition::fps)
                .containsOnlyNulls();
        assertThat(planner.plan(spec, List.of())).extracting(Rendition::fps).containsOnlyNulls();
    }
}
