/** The shell commands of a Markdown file's ```sh blocks, for the README walkthrough (readme.test.ts). */
export interface ReadmeCommand {
    /** The command as written, without its trailing comment. */
    readonly command: string;
    /** The exit code its comment states (`# exit 2: ...`), else 0. */
    readonly expectedExit: number;
    /** The README line it is on (1-based), for messages. */
    readonly line: number;
}

/** Every command line in the ```sh blocks of a Markdown text. A comment starts with whitespace, `#`, space. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
    const commands: ReadmeCommand[] = [];
    let inShell = false;
    markdown.split("\n").forEach((text, index) => {
        const fence = /^```(\S*)/.exec(text);
        if (fence) {
            inShell = !inShell && ["sh", "bash", "shell"].includes(fence[1]);
            return;
        }
        if (!inShell || text.trim() === "" || text.trim().startsWith("#")) return;
        const comment = /\s+#\s(.*)$/.exec(text);
        const command = (comment ? text.slice(0, comment.index) : text).trim();
        const exit = comment ? /\bexit (\d+)\b/.exec(comment[1]) : null;
        commands.push({ command, expectedExit: exit ? Number(exit[1]) : 0, line: index + 1 });
    });
    return commands;
}
