package dev.sparkd.router.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Session keys, without the network (PlannerTest covers the spread, RoutingPolicyTest a conversation end to end). */
class StickySessionsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode chat(String... contents) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        var messages = body.putArray("messages");
        for (String c : contents) {
            messages.addObject().put("role", "user").put("content", c);
        }
        return body;
    }

    @Test
    void laterTurnsKeepTheKeyAndOtherKeysOrConversationsChangeIt() throws Exception {
        long first = StickySessions.key("r", "key-a", null, chat("system", "hello"));
        assertThat(StickySessions.key("r", "key-a", null, chat("system", "hello", "more", "and more"))).isEqualTo(first);
        assertThat(StickySessions.key("r", "key-b", null, chat("system", "hello"))).isNotEqualTo(first);
        assertThat(StickySessions.key("r", "key-a", null, chat("system", "bye"))).isNotEqualTo(first);
        assertThat(StickySessions.key("r", "key-a", "s1", chat("x"))).isEqualTo(StickySessions.key("r", "key-a", "s1", chat("y")));
    }
}
