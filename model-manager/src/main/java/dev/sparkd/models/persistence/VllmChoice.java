package dev.sparkd.models.persistence;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The vLLM model chosen through the API for a service, as a row of {@code model_manager.vllm_choices}. */
@Entity
@Table(name = "vllm_choices")
public class VllmChoice {
    @Id
    String service;
    @Column(name = "model_key", nullable = false)
    String modelKey;
    /** The file's {@code active} when the choice was made: the choice stands while the file still says this. */
    @Column(name = "file_active", nullable = false)
    String fileActive;
    @Column(name = "chosen_at", nullable = false)
    OffsetDateTime chosenAt;

    protected VllmChoice() {
    }

    VllmChoice(String service, String modelKey, String fileActive, OffsetDateTime chosenAt) {
        this.service = service;
        this.modelKey = modelKey;
        this.fileActive = fileActive;
        this.chosenAt = chosenAt;
    }
}
