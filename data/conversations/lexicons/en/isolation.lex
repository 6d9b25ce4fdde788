# Isolation and secrecy: keeping the contact secret, deleting messages, moving to another app or private chat.
family: isolation

[secrecy] 0.55 | Asks to keep the contact secret | suppress: surprise party present presents birthday gift christmas spoiler spoilers ending plan plans | negatable: no
dont tell anyone
dont tell any one
dont tell your parents
dont tell your mum
dont tell your dad
dont tell your friends
dont tell * parents
dont tell * mum
dont tell * dad
do not tell anyone
do not tell your
never tell anyone
you cant tell anyone
you can not tell anyone
keep this between us
keep it between us
just between us
between you and me
our little secret
our secret
keep it secret
keep this secret
keep it a secret
keep us secret
no one needs to know
no one has to know
no one can know
they would not understand
they wouldnt understand
your parents would not understand
they will not understand
dont mention me
dont say anything to your
secret

[delete-messages] 0.5 | Asks to delete messages or hide the contact | suppress: photo embarrassing typo | negatable: no
delete * messages
delete * message
delete * chat
delete our
delete this chat
delete the chat
delete everything
delete after
clear * chat
clear your history
clear the chat
hide * chat
hide our
archive * chat
save my number as
save me as
save me under
change my name in your phone
delete my number

[off-platform] 0.45 | Moves the chat to another app or to private or disappearing messages
add me on snap
add me on whatsapp
add me on telegram
add me on kik
add me on discord
add me on signal
my snap is
what is your snap
do you have snap
do you have whatsapp
do you have telegram
do you have kik
do you have signal
let us talk on
let us move to
move to snap
move to telegram
move to whatsapp
talk on snap
talk on telegram
text me on
message me on
hit me up on
switch to snap
switch to telegram
switch to whatsapp
more private
somewhere private
private chat
disappearing messages
vanish mode
secret chat
turn on disappearing
encrypted
telegram
kik
wickr
url:t.me
url:wa.me
url:kik.me
url:discord.gg
url:snapchat.com
url:telegram.me
url:signal.me

[sneak-out] 0.6 | Encourages hiding from or getting around parents
sneak out
sneak you out
without your parents knowing
without them knowing
your parents dont need to know
tell your parents you are at
tell them you are at a friend
say you are at a friend
