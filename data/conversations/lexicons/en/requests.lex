# Requests: for photos or video of the young person, for a camera call, to meet in person.
family: requests

[photo-request] 0.5 | Asks for photos or video | suppress: cat dog puppy kitten pet hamster rabbit fish homework worksheet assignment receipt menu essay notes screenshot form ticket cake food dinner car drawing painting answers page timetable schedule lego bike outfit
send me a pic
send me pic
send a pic
send pic
send me a photo
send a photo
send photo
send me a selfie
send a selfie
send selfie
send me a video
send a video
send me one
send me something
can i see you
let me see you
show me you
show me what you look like
pic of you
photo of you
selfie of you
video of you
one more pic
another pic
just one pic
just one photo
send one more
send more
another one
what do you look like
want to see you
i want to see you
take a pic
take a photo
take a selfie
pic in your
in your uniform
full body
without your
show me your
prove it is you
prove you are real

[call-request] 0.4 | Asks for a camera or video call | suppress: homework study project class meeting grandma nana grandpa gran team practice
video call
cam call
turn on your camera
turn your camera on
camera on
go on camera
get on camera
on camera
video chat
skype
call me on camera

[meet-request] 0.45 | Asks to meet in person | suppress: practice training parents mum dad match game tournament field rehearsal lesson class
meet up
meet in person
meet me
let us meet
can we meet
want to meet
come over
come to my
pick you up
where can we meet
hang out in person
come see you
visit you
in real life
irl
