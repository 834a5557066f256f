package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
)

// childArg is the first argument of a helper process: the binary started
// again (floors.go, child) as the other end of a pipe or a socket.
const childArg = "child"

// The helper processes' modes.
const (
	childPipe = "pipe" // echoes each byte of stdin to stdout
	childTCP  = "tcp"  // listens on loopback, prints its address, and answers each message with the time it was read
)

// runChild serves as a helper process of mode until its stdin closes.
func runChild(mode string) error {
	switch mode {
	case childPipe:
		return echoPipe(os.Stdin, os.Stdout)
	case childTCP:
		return echoTCP()
	}
	return fmt.Errorf("pacedfloor: unknown child mode %q", mode)
}

// echoPipe writes back each byte it reads, sleeping in the read between.
func echoPipe(in io.Reader, out io.Writer) error {
	b := make([]byte, 1)
	for {
		if _, err := io.ReadFull(in, b); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if _, err := out.Write(b); err != nil {
			return err
		}
	}
}

// echoTCP accepts one connection on 127.0.0.1 and answers each message of
// gossipSize bytes with the monotonic time at which it was read whole. It
// ends when its stdin or the connection closes.
func echoTCP() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	fmt.Println(l.Addr().String())
	go func() { // owned by the process: its stdin closing ends it
		io.Copy(io.Discard, os.Stdin)
		l.Close()
		os.Exit(0)
	}()
	conn, err := l.Accept()
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	msg := make([]byte, gossipSize)
	var at [8]byte
	for {
		if _, err := io.ReadFull(r, msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		binary.LittleEndian.PutUint64(at[:], uint64(monotonic()))
		if _, err := conn.Write(at[:]); err != nil {
			return err
		}
	}
}
