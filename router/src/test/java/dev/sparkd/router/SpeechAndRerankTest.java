package dev.sparkd.router;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;

import dev.sparkd.daemon.testing.EmbeddedPostgresTestResource;
import dev.sparkd.simulator.generation.Relevance;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Speech and rerank through the router, with the OpenAI Java SDK where it has the API: they go to local targets only,
 * and a request for one never reaches the cloud provider, whatever route it names.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@QuarkusTestResource(SimulatorResource.class)
class SpeechAndRerankTest {
    static OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(RouterProxyTest.base() + "/v1").apiKey("unused-keyless").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    static byte[] audio(int bytes) {
        byte[] a = new byte[bytes];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) (i * 7);
        }
        return a;
    }

    /** The audio as a file: the SDK sends its name, as speech servers need to tell the format. */
    static Path wavFile(byte[] audio) throws IOException {
        Path f = Files.createTempFile("speech", ".wav");
        f.toFile().deleteOnExit();
        return Files.write(f, audio);
    }

    @Test
    void aTranscriptionIsUploadedToTheLocalWhisperAndComesBack() throws IOException {
        byte[] wav = audio(3 * 1024 * 1024); // a few seconds of audio: more than one TCP write either way
        Path file = wavFile(wav);
        TranscriptionCreateResponse r = client().audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(file).model("whisper").build());
        assertThat(r.asTranscription().text()).isEqualTo(Relevance.transcript(wav));

        TranscriptionCreateResponse text = client().audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(file).model("whisper").responseFormat(AudioResponseFormat.TEXT).build());
        assertThat(text.asTranscription().text()).as("a text answer passes through as it came").isEqualTo(Relevance.transcript(wav));
        assertThat(SimulatorResource.sim.control().requests("vllm-whisper")).filteredOn(x -> x.path().equals("/v1/audio/transcriptions"))
                .allSatisfy(x -> assertThat(x.status()).isEqualTo(200)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anUploadWithoutACredentialHeaderIsRefusedAsACrossSiteFormWouldBe() {
        // what an HTML form on another site can send: multipart, no Authorization, no x-api-key
        given().multiPart("model", "whisper").multiPart("file", "a.wav", audio(1000), "audio/wav")
                .post("/v1/audio/transcriptions").then().statusCode(415);
        given().header("x-api-key", "anything").multiPart("model", "whisper").multiPart("file", "a.wav", audio(1000), "audio/wav")
                .post("/v1/audio/transcriptions").then().statusCode(200).body("text", equalTo(Relevance.transcript(audio(1000))));
        // elsewhere multipart stays refused, credential or not
        given().header("x-api-key", "anything").multiPart("model", "chat").post("/v1/chat/completions").then().statusCode(415);
    }

    @Test
    void speechIsStreamedBackFromTheLocalServer() throws Exception {
        int before = SimulatorResource.capture.bodies.size();
        try (HttpResponse r = client().audio().speech().create(SpeechCreateParams.builder().model("tts").input("Hello from the Spark.")
                .voice("af_heart").build()); InputStream in = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().values("Content-Type")).containsExactly("audio/mpeg");
            assertThat(in.readAllBytes()).hasSize(CaptureUpstream.SPEECH_BYTES);
        }
        var sent = SimulatorResource.capture.bodies.get(before);
        assertThat(sent.getString("model")).as("the target's model name").isEqualTo("kokoro");
        assertThat(sent.getString("input")).isEqualTo("Hello from the Spark.");
    }

    @Test
    void rerankRanksOnTheLocalCrossEncoder() {
        JsonPath r = given().contentType("application/json").body("""
                {"model":"reranker","query":"spark unified memory","top_n":2,
                 "documents":["The cat sat on the mat.","A Spark has unified memory.","Memory is unified on a Spark with spark tools."]}
                """).post("/v1/rerank").then().statusCode(200).body("results", hasSize(2)).extract().jsonPath();
        assertThat(r.getInt("results[0].index")).isIn(1, 2);
        assertThat(r.getDouble("results[0].relevance_score")).isGreaterThan(r.getDouble("results[1].relevance_score"));
        assertThat(r.getString("model")).isEqualTo("BAAI/bge-reranker-v2-m3");
    }

    @Test
    void speechAndRerankNeverReachTheCloud() throws IOException {
        Path file = wavFile(audio(1000));
        int cloudBefore = SimulatorResource.sim.openAi().requests().size();
        // routes that would spill to the cloud serve chat: an audio or rerank request naming them is refused up front
        for (String route : List.of("cloudy", "spill", "chat")) {
            given().contentType("application/json").body("{\"model\":\"" + route + "\",\"query\":\"q\",\"documents\":[\"d\"]}")
                    .post("/v1/rerank").then().statusCode(400).body("error.code", equalTo("wrong_route_kind"));
            try {
                client().audio().transcriptions().create(TranscriptionCreateParams.builder().file(file).model(route).build());
                throw new AssertionError("a transcription on route " + route + " was answered");
            } catch (BadRequestException e) {
                assertThat(e.getMessage()).contains("serves chat, not audio");
            }
            given().contentType("application/json").body("{\"model\":\"" + route + "\",\"input\":\"hi\",\"voice\":\"alloy\"}")
                    .post("/v1/audio/speech").then().statusCode(400);
        }
        // and chat on a speech route is refused the same way
        given().contentType("application/json").body(RouterProxyTest.CHAT.formatted("whisper", "")).post("/v1/chat/completions")
                .then().statusCode(400).body("error.code", equalTo("wrong_route_kind"));
        assertThat(SimulatorResource.sim.openAi().requests()).hasSize(cloudBefore);
    }
}
