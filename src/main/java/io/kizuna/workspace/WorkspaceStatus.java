package io.kizuna.workspace;

public enum WorkspaceStatus {
    ACTIVE,
    DISABLED
}
