package dev.spool.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every child URL of a playlist or thumbnail track carries the grant; nothing else changes. */
class GrantedPlaylistTest {
    private static final String GRANT = "jwt=a.b.c";

    @Test
    void aMasterPlaylistsRenditionsAndMediaTagsCarryTheGrant() {
        String master = """
                #EXTM3U
                #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="en",URI="audio/index.m3u8"
                #EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x240,CODECS="avc1.64000d"
                240p0/index.m3u8
                #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="240p0/iframes.m3u8"
                """;

        assertThat(GrantedPlaylist.rewrite("index.m3u8", master, GRANT)).isEqualTo("""
                #EXTM3U
                #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="en",URI="audio/index.m3u8?jwt=a.b.c"
                #EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x240,CODECS="avc1.64000d"
                240p0/index.m3u8?jwt=a.b.c
                #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="240p0/iframes.m3u8?jwt=a.b.c"
                """);
    }

    @Test
    void anFmp4MediaPlaylistsInitSegmentAndSegmentsCarryTheGrant_alongsideAQueryTheyHad() {
        String media = """
                #EXTM3U
                #EXT-X-MAP:URI="init.mp4"

                #EXTINF:2.000000,
                0.m4s
                #EXTINF:2.000000,
                1.m4s?part=1
                #EXT-X-ENDLIST
                """;

        assertThat(GrantedPlaylist.rewrite("240p0/index.m3u8", media, GRANT)).isEqualTo("""
                #EXTM3U
                #EXT-X-MAP:URI="init.mp4?jwt=a.b.c"

                #EXTINF:2.000000,
                0.m4s?jwt=a.b.c
                #EXTINF:2.000000,
                1.m4s?part=1&jwt=a.b.c
                #EXT-X-ENDLIST
                """);
    }

    @Test
    void aThumbnailTracksPicturesCarryTheGrant() {
        String track = """
                WEBVTT

                00:00:00.000 --> 00:00:02.000
                keyframes_0.png

                00:00:02.000 --> 00:00:04.000
                keyframes_1.png
                """;

        assertThat(GrantedPlaylist.names("thumbnails/thumbnails.vtt")).isTrue();
        assertThat(GrantedPlaylist.names("240p0/0.ts")).isFalse();
        assertThat(GrantedPlaylist.rewrite("thumbnails/thumbnails.vtt", track, GRANT))
                .isEqualTo("""
                WEBVTT

                00:00:00.000 --> 00:00:02.000
                keyframes_0.png?jwt=a.b.c

                00:00:02.000 --> 00:00:04.000
                keyframes_1.png?jwt=a.b.c
                """);
    }
}
