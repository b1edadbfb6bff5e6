package dev.spool.ipfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.json.Json;
import org.junit.jupiter.api.Test;

class NftMetadataTest {

    @Test
    void givenFileTemplate_thenTheAnimationIsTheVideoOnIpfs() {
        var metadata = NftMetadata.of(null, "My video", "abcd1234", "QmVideo", null);

        assertThat(metadata).isEqualTo(Json.tree("""
                {"name": "My video", "description": "Video from asset \\"My video\\"",
                 "animation_url": "ipfs://QmVideo"}"""));
    }

    @Test
    void givenPlayerTemplate_thenTheImmutablePlayerPlaysTheVideo() {
        var metadata = NftMetadata.of("player", "v", "abcd1234", "QmVideo", null);

        assertThat(metadata.path("animation_url").asText())
                .isEqualTo("ipfs://" + NftMetadata.PLAYER_CID + "/?loop=1&v=QmVideo");
        assertThat(metadata.path("external_url").asText()).isEqualTo("https://lvpr.tv/?v=QmVideo");
        assertThat(metadata.path("properties")).isEqualTo(Json.tree("""
                {"video": "ipfs://QmVideo", "com.livepeer.playbackId": "abcd1234"}"""));
    }

    @Test
    void givenCallersMetadata_thenDeepMergedWithNullsRemovingKeys() {
        var custom = Json.tree("""
                {"name": "Mine", "description": null, "properties": {"extra": 1, "video": "ipfs://other"},
                 "attributes": [{"trait_type": "color", "value": "blue"}]}""");

        var metadata = NftMetadata.of("player", "v", "abcd1234", "QmVideo", custom);

        assertThat(metadata.path("name").asText()).isEqualTo("Mine");
        assertThat(metadata.has("description")).isFalse();
        assertThat(metadata.path("properties")).isEqualTo(Json.tree("""
                {"video": "ipfs://other", "com.livepeer.playbackId": "abcd1234", "extra": 1}"""));
        assertThat(metadata.path("attributes").get(0).path("value").asText()).isEqualTo("blue");
        assertThat(metadata.path("animation_url").asText()).endsWith("v=QmVideo");
    }
}
